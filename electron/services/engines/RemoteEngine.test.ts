/** Standalone: the remote engine against a scripted OpenAI-compatible server on loopback. */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { defaultSettings } from '../../shared/records';
import { splitReasoning } from '../reasoning';
import { RemoteEngine, normalizeBaseUrl } from './RemoteEngine';
import { SseParser } from './sse';
import { startStubOpenAiServer, stubAnswer, stubReasoning, type StubServer } from './testing/stubOpenAiServer';

let server: StubServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const turns = [{ role: 'user' as const, content: 'What is the gross margin?' }];

async function collect(engine: RemoteEngine, signal?: AbortSignal) {
  let text = '';
  let started = false;
  const result = await engine.generate(turns, defaultSettings.sampling, {
    ...(signal ? { signal } : {}),
    onStarted: () => (started = true),
    onText: (t) => (text += t),
  });
  return { text, started, result };
}

async function codeOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('RemoteEngine', () => {
  it.each(['dianjin-split', 'dianjin-reasoning-field', 'dianjin-inline'])('%s: reasoning and answer reach the parser as <think> text', async (model) => {
    server = await startStubOpenAiServer();
    const { text, started, result } = await collect(new RemoteEngine({ baseUrl: server.baseUrl, model }));
    expect(started).toBe(true);
    const split = splitReasoning(text);
    expect(split.reasoning).toBe(stubReasoning.join('').trim());
    expect(split.answer).toBe(stubAnswer.join('').trim());
    expect(split.boxed).toBe('25\\%');
    expect(result.stopReason).toBe('eos');
    // Counts from `usage`, timings measured here.
    expect(result.stats.promptTokens).toBe(42);
    expect(result.stats.completionTokens).toBe(37);
    expect(result.stats.ttftMs).toBeGreaterThanOrEqual(0);
    expect(result.stats.tokensPerSecond).toBeGreaterThan(0);
    const request = server.requests.at(-1)!;
    expect(request.body).toMatchObject({ model, stream: true, stream_options: { include_usage: true }, temperature: 0.6, top_p: 0.95, top_k: 20, max_tokens: 4096 });
    expect(request.authorization).toBeNull();
  });

  it('sends the key as a bearer token; 401 is ENGINE_UNAUTHORIZED with the server message', async () => {
    server = await startStubOpenAiServer({ apiKey: 'sk-stub-secret' });
    const ok = await collect(new RemoteEngine({ baseUrl: server.baseUrl, model: 'dianjin-split', apiKey: 'sk-stub-secret' }));
    expect(ok.result.stopReason).toBe('eos');
    expect(server.requests.at(-1)?.authorization).toBe('Bearer sk-stub-secret');
    const error = await codeOf(collect(new RemoteEngine({ baseUrl: server.baseUrl, model: 'dianjin-split', apiKey: 'sk-wrong' })));
    expect(error.code).toBe('ENGINE_UNAUTHORIZED');
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain('sk-wrong');
    expect(JSON.stringify(error.toJSON())).not.toContain('sk-wrong');
  });

  it('a server error is ENGINE_ERROR with its own words; an unknown model names it', async () => {
    server = await startStubOpenAiServer();
    const overloaded = await codeOf(collect(new RemoteEngine({ baseUrl: server.baseUrl, model: 'dianjin-overloaded' })));
    expect(overloaded.code).toBe('ENGINE_ERROR');
    expect(overloaded.message).toContain('503');
    expect(overloaded.message).toContain('overloaded');
    const unknown = await codeOf(collect(new RemoteEngine({ baseUrl: server.baseUrl, model: 'gpt-nope' })));
    expect(unknown.code).toBe('ENGINE_ERROR');
    expect(unknown.message).toContain('gpt-nope');
  });

  it('nothing listening is ENGINE_UNREACHABLE', async () => {
    server = await startStubOpenAiServer();
    const port = server.port;
    await server.close();
    server = null;
    const error = await codeOf(collect(new RemoteEngine({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'dianjin-split' })));
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('a mid-stream disconnect is ENGINE_UNREACHABLE after the text that came', async () => {
    server = await startStubOpenAiServer();
    let text = '';
    const error = await codeOf(new RemoteEngine({ baseUrl: server.baseUrl, model: 'dianjin-drop' }).generate(turns, defaultSettings.sampling, { onText: (t) => (text += t) }));
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    expect(text).toContain('Gross profit = 200 - 150 = 50.');
    expect(text).not.toContain('boxed');
  });

  it('abort stops reading and closes the connection; what came is kept', async () => {
    server = await startStubOpenAiServer();
    const controller = new AbortController();
    let text = '';
    const generation = new RemoteEngine({ baseUrl: server.baseUrl, model: 'dianjin-slow' }).generate(turns, defaultSettings.sampling, {
      signal: controller.signal,
      onText: (t) => {
        text += t;
        controller.abort();
      },
    });
    const { stopReason, stats } = await generation;
    expect(stopReason).toBe('abort');
    expect(stats.completionTokens).toBe(1);
    await server.clientClosed();
    expect(splitReasoning(text).reasoning).toBe(stubReasoning[0]!.trim());
  });

  it('lists models for "Test connection"', async () => {
    server = await startStubOpenAiServer();
    const models = await new RemoteEngine({ baseUrl: server.baseUrl, model: '' }).listModels();
    expect(models.map((m) => m.id)).toContain('dianjin-split');
  });

  it('normalises addresses and refuses keys in them', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/v1');
    expect(normalizeBaseUrl('https://llm.example.com/api/v1/')).toBe('https://llm.example.com/api/v1');
    expect(() => normalizeBaseUrl('ftp://x')).toThrow(/http/);
    expect(() => normalizeBaseUrl('https://user:sk-1@llm.example.com/v1')).toThrow(/key field/);
  });
});

describe('SseParser', () => {
  it('joins data lines, ignores comments, survives any split and CRLF', () => {
    const stream = ': keep-alive\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\nevent: x\ndata: [DONE]\n\n';
    for (let cut = 0; cut < stream.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut)), ...parser.end()];
      expect(events).toEqual(['{"a":1}', 'line1\nline2', '[DONE]']);
    }
  });
});
