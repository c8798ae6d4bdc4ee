/**
 * The OpenAI-compatible API under /v1 (GET /v1/models, POST /v1/chat/completions), for notebooks and spreadsheet
 * add-ins that speak OpenAI's protocol. Plugged into `startApiServer({ extraRoutes })`, which has already checked the
 * Host header. Only the bearer token authorizes (never the renderer's cookie), and no CORS headers are sent: a
 * request that carries an Origin must come from the server's own origin (notebook kernels send none).
 *
 * Requests are stateless (nothing is saved) and share the one inference process with the app: while any answer is
 * being generated they are refused with 503 and `Retry-After` (OpenAI clients retry those on their own).
 */
import type http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { InferenceHost } from '../../services/inference/InferenceHost';
import type { ChatTurn } from '../../services/inference/protocol';
import type { ModelService } from '../../services/models/ModelService';
import type { Store } from '../../services/store';
import type { SamplingSettings } from '../../shared/records';
import { tokensEqual } from '../ApiServer';
import { generateCompletion, type CompletionResult } from './generateCompletion';
import { OpenAiApiError } from './OpenAiApiError';
import { ChatCompletionRequest, messageText, type ChatCompletion, type ChatCompletionChunk, type CompletionUsage, type ModelObject } from './schema';

export interface OpenAiRoutesOptions {
  /** The serve token, used as the API key. */
  token: string;
  store: Pick<Store, 'getSettings'>;
  models: Pick<ModelService, 'ensureLoaded'>;
  inference: InferenceHost;
  /** Seconds a busy answer tells clients to wait before retrying. Defaults to 1. */
  retryAfterSeconds?: number;
}

export type ExtraRoutes = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;

const maxBodyBytes = 8 * 1024 * 1024;

export function createOpenAiRoutes(options: OpenAiRoutesOptions): ExtraRoutes {
  const { token, store, models, inference } = options;

  /** The selected model (`--model` or chosen in the app) as OpenAI names it: the file name without extension. */
  function selectedModel(): { id: string; path: string } | null {
    const modelPath = store.getSettings().modelPath;
    if (!modelPath) return null;
    return { id: path.basename(modelPath).replace(/\.[^.]+$/, ''), path: modelPath };
  }

  async function listModels(res: http.ServerResponse): Promise<void> {
    const model = selectedModel();
    const data: ModelObject[] = model ? [{ id: model.id, object: 'model', created: 0, owned_by: 'local' }] : [];
    sendJson(res, 200, { object: 'list', data });
  }

  async function chatCompletions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const controller = new AbortController();
    // The client went away (or the server is closing): stop the generation.
    res.on('close', () => controller.abort());
    const parsed = ChatCompletionRequest.safeParse(await readJson(req));
    if (!parsed.success) throw invalidBody(parsed.error);
    const body = parsed.data;
    const model = selectedModel();
    if (!model) throw new OpenAiApiError(404, 'not_found_error', 'model_not_found', 'No model is selected. Start `dianjin serve --model <file.gguf>` or choose a model in the app.', 'model');
    if (body.model !== model.id) throw new OpenAiApiError(404, 'not_found_error', 'model_not_found', `The model "${body.model}" does not exist here. This server has "${model.id}" (see GET /v1/models).`, 'model');
    if (inference.status.busy) throw busy(options.retryAfterSeconds);

    const settings = store.getSettings();
    // If no model is loaded yet (or it is still loading), this loads the selected one and waits for it.
    await models.ensureLoaded(model.path, settings.load);
    const sampling: SamplingSettings = {
      ...settings.sampling,
      ...defined({ temperature: body.temperature, topP: body.top_p, seed: body.seed, maxTokens: body.max_completion_tokens ?? body.max_tokens }),
    };
    const turns: ChatTurn[] = body.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: messageText(m) }));
    const stop = body.stop === null || body.stop === undefined ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
    const meta = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: model.id };

    if (!body.stream) {
      const result = await generateCompletion(inference, turns, sampling, { signal: controller.signal, stop }).catch(rethrowBusy(options.retryAfterSeconds));
      const completion: ChatCompletion = {
        ...meta,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: result.content, ...(result.thought ? { reasoning_content: result.reasoning } : {}) },
            finish_reason: result.finishReason,
            logprobs: null,
          },
        ],
        usage: usageOf(result),
      };
      sendJson(res, 200, completion);
      return;
    }

    const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: ChatCompletionChunk['choices'][number]['finish_reason'] = null): ChatCompletionChunk => ({
      ...meta,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      ...(body.stream_options?.include_usage ? { usage: null } : {}),
    });
    const send = (data: unknown) => {
      if (!res.writableEnded) res.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    let result: CompletionResult;
    try {
      result = await generateCompletion(inference, turns, sampling, {
        signal: controller.signal,
        stop,
        // Headers go out only once the generation really started, so refusals still get a proper status.
        onStarted: () => {
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
          send(chunk({ role: 'assistant', content: '' }));
        },
        onDelta: ({ reasoning, content }) => send(chunk({ ...(reasoning ? { reasoning_content: reasoning } : {}), ...(content ? { content } : {}) })),
      });
    } catch (error) {
      if (!res.headersSent) return rethrowBusy(options.retryAfterSeconds)(error);
      // Mid-stream failure: OpenAI clients raise an `error` event as an APIError.
      send(OpenAiApiError.from(error).toBody());
      res.end();
      return;
    }
    if (!res.headersSent) {
      // Aborted before the prompt was evaluated: nobody is listening any more.
      res.end();
      return;
    }
    send(chunk({}, result.finishReason));
    if (body.stream_options?.include_usage) send({ ...meta, object: 'chat.completion.chunk', choices: [], usage: usageOf(result) } satisfies ChatCompletionChunk);
    res.end('data: [DONE]\n\n');
  }

  return async (req, res, url) => {
    if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) return false;
    try {
      const origin = req.headers.origin;
      const port = req.socket.localPort;
      if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
        throw new OpenAiApiError(403, 'invalid_request_error', 'forbidden_origin', 'Cross-origin requests are not accepted. Call the API from a notebook, script or add-in host, not from a web page.');
      }
      if (!tokensEqual(bearer(req), token)) {
        throw new OpenAiApiError(401, 'authentication_error', 'invalid_api_key', 'Missing or wrong API key. Use the token printed by `dianjin serve` as the API key (`Authorization: Bearer <token>`).');
      }
      const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
      if (route === 'GET /v1/models') await listModels(res);
      else if (route === 'POST /v1/chat/completions') await chatCompletions(req, res);
      else if (url.pathname === '/v1/models' || url.pathname === '/v1/chat/completions') throw new OpenAiApiError(405, 'invalid_request_error', 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}.`);
      else throw new OpenAiApiError(404, 'not_found_error', 'unknown_url', `Unknown endpoint ${req.method} ${url.pathname}. This server offers GET /v1/models and POST /v1/chat/completions.`);
    } catch (error) {
      const apiError = OpenAiApiError.from(error);
      if (res.headersSent) res.destroy();
      else sendJson(res, apiError.status, apiError.toBody(), apiError.code === 'generation_busy' ? { 'retry-after': String(options.retryAfterSeconds ?? 1) } : {});
    }
    return true;
  };
}

function busy(retryAfterSeconds = 1): OpenAiApiError {
  return new OpenAiApiError(
    503,
    'server_error',
    'generation_busy',
    `The local model is busy generating another answer (in the app or another API request); it runs one at a time. Retry in ${retryAfterSeconds} s.`,
  );
}

/** The inference process refused because another generation started in between: answer the same 503. */
function rethrowBusy(retryAfterSeconds?: number): (error: unknown) => never {
  return (error) => {
    if (OpenAiApiError.from(error).code === 'generation_busy') throw busy(retryAfterSeconds);
    throw error;
  };
}

function usageOf(result: CompletionResult): CompletionUsage {
  return { prompt_tokens: result.promptTokens, completion_tokens: result.completionTokens, total_tokens: result.promptTokens + result.completionTokens };
}

function invalidBody(error: z.ZodError): OpenAiApiError {
  const issue = error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') : null;
  return new OpenAiApiError(400, 'invalid_request_error', 'invalid_request_body', `Invalid request body${param ? ` at ${param}` : ''}: ${issue?.message ?? 'malformed'}.`, param);
}

function bearer(req: http.IncomingMessage): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1]?.trim() ?? null;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new OpenAiApiError(400, 'invalid_request_error', 'invalid_request_body', 'The request body is larger than 8 MiB.');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new OpenAiApiError(400, 'invalid_request_error', 'invalid_json', 'The request body is not valid JSON.');
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null | undefined> };
}
