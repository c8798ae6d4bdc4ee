/**
 * Tests only: an OpenAI-compatible server on 127.0.0.1 that replays scripted chat-completion streams, so the remote
 * engine is tested end to end (HTTP, SSE framing, usage, statuses, disconnects) without any network.
 * The model name picks the script: see `scripts` below.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  authorization: string | null;
  body: Record<string, unknown> | null;
}

export interface StubServer {
  baseUrl: string;
  port: number;
  requests: StubRequest[];
  /** Resolves when the client closed a stream before the script finished (what "stop" must do). */
  clientClosed(): Promise<void>;
  close(): Promise<void>;
}

type Delta = { reasoning_content?: string; reasoning?: string; content?: string };

/** Reasoning with a calculation the inspector checks, then an answer. */
export const stubReasoning = ['Revenue 200, cost 150. ', 'Gross profit = 200 - 150 = 50. ', 'Margin = 50 / 200 = 25%.'];
export const stubAnswer = ['The gross margin is ', '\\boxed{25\\%}.'];

const scripts: Record<string, Delta[]> = {
  // vLLM / SGLang / DeepSeek API: reasoning in its own field.
  'dianjin-split': [...stubReasoning.map((t) => ({ reasoning_content: t })), ...stubAnswer.map((t) => ({ content: t }))],
  // Ollama / llama-server's "reasoning" field.
  'dianjin-reasoning-field': [...stubReasoning.map((t) => ({ reasoning: t })), ...stubAnswer.map((t) => ({ content: t }))],
  // A server that does not split: <think> stays in the text.
  'dianjin-inline': [{ content: '<think>' }, ...stubReasoning.map((t) => ({ content: t })), { content: '</think>' }, ...stubAnswer.map((t) => ({ content: t }))],
  // A grading model (evaluation's judge mode) that finds every answer right.
  'judge-agrees': [{ content: '<think>The candidate gives the same value as the reference.</think>' }, { content: '<answer>\\boxed{1}</answer>' }],
};

function chunk(model: string, delta: Delta | null, extra: Record<string, unknown> = {}): string {
  const choices = delta ? [{ index: 0, delta, finish_reason: null }] : [];
  return `data: ${JSON.stringify({ id: 'chatcmpl-stub', object: 'chat.completion.chunk', created: 0, model, choices, ...extra })}\n\n`;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  let text = '';
  for await (const part of req) text += String(part);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `apiKey`: when set, requests without `Bearer <apiKey>` get 401 like a cloud endpoint. */
export async function startStubOpenAiServer(options: { apiKey?: string; delayMs?: number } = {}): Promise<StubServer> {
  const requests: StubRequest[] = [];
  let closedByClient: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (closedByClient = resolve));
  const delay = options.delayMs ?? 2;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = req.method === 'POST' ? await readBody(req) : null;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization ?? null, body });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: Object.keys(scripts).map((id) => ({ id, object: 'model', owned_by: 'stub' })) }));
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions' || !body) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `No route ${req.method} ${path}` } }));
      return;
    }
    const model = String(body.model);
    if (model === 'dianjin-overloaded') {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'The server is overloaded; retry later.' } }));
      return;
    }
    const script = scripts[model] ?? (model === 'dianjin-drop' || model === 'dianjin-slow' ? scripts['dianjin-split'] : undefined);
    if (!script) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `The model \`${model}\` does not exist.` } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.on('close', () => {
      if (!res.writableFinished) closedByClient();
    });
    res.write(chunk(model, { role: 'assistant', content: '' } as Delta));
    for (const [i, delta] of script.entries()) {
      if (res.destroyed) return;
      if (model === 'dianjin-drop' && i === 3) {
        // The server dies mid-answer: no [DONE], no finish_reason, the socket just closes.
        req.socket.destroy();
        return;
      }
      // SSE framing must survive arbitrary TCP splits: send each event in two writes.
      const event = chunk(model, delta);
      res.write(event.slice(0, 7));
      res.write(event.slice(7));
      await pause(model === 'dianjin-slow' ? 200 : delay);
    }
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-stub', object: 'chat.completion.chunk', model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
      res.write(chunk(model, null, { usage: { prompt_tokens: 42, completion_tokens: 37, total_tokens: 79 } }));
    }
    res.end('data: [DONE]\n\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    clientClosed: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
