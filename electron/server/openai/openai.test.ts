/**
 * The OpenAI-compatible API through the official `openai` client, against a real server over real services with
 * the tiny test model (its template opens <think>, so answers carry reasoning; its text is noise: test mechanics).
 */
import http from 'node:http';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestServices, tinyModel } from '../../testing/fixtures';
import { startApiServer, type RunningServer } from '../ApiServer';
import { createOpenAiRoutes } from './index';

const token = 'openai-test-token-123';
const modelId = path.basename(tinyModel, '.gguf');
let services: Awaited<ReturnType<typeof createTestServices>>;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  services = await createTestServices({ modelPath: tinyModel });
  server = await startApiServer({
    dispatcher: services.dispatcher,
    token,
    port: 0,
    staticDir: null,
    extraRoutes: createOpenAiRoutes({ token, store: services.store, models: services.models, inference: services.inference }),
  });
  client = new OpenAI({ apiKey: token, baseURL: `${server.url}v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await services.cleanup();
});

const question = [{ role: 'user' as const, content: 'What is 2 + 2?' }];

/** Raw request, for headers the client does not let us set (Origin) and bodies it would not send. */
function request(options: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: options.path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function waitUntilIdle(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (services.inference.status.busy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('OpenAI-compatible API', () => {
  it('lists the selected model as a local model', async () => {
    const page = await client.models.list();
    expect(page.data).toEqual([{ id: modelId, object: 'model', created: 0, owned_by: 'local' }]);
  });

  it('answers a non-streaming completion with reasoning_content apart, usage and a finish reason (loading the model first)', async () => {
    expect(services.inference.status.model).toBeNull();
    const completion = await client.chat.completions.create({
      model: modelId,
      messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] }],
      max_tokens: 16,
      temperature: 0,
      seed: 1,
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe(modelId);
    expect(completion.created).toBeGreaterThan(1_600_000_000);
    const choice = completion.choices[0]!;
    expect(choice.message.role).toBe('assistant');
    expect(typeof choice.message.content).toBe('string');
    const reasoning = (choice.message as unknown as { reasoning_content?: unknown }).reasoning_content;
    expect(typeof reasoning).toBe('string');
    expect(['stop', 'length']).toContain(choice.finish_reason);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(16);
    expect(completion.usage?.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    // Stateless: nothing saved in the app's conversations.
    expect(services.store.listConversations()).toEqual([]);
  });

  it('reports finish_reason "length" when max_completion_tokens cut the answer', async () => {
    const completion = await client.chat.completions.create({ model: modelId, messages: question, max_completion_tokens: 2, temperature: 0 });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(2);
  });

  it('streams reasoning_content deltas, a final finish_reason chunk, usage and [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: modelId, messages: question, max_tokens: 24, temperature: 0, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const reasoning = chunks.map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '').join('');
    expect(reasoning.length).toBeGreaterThan(0);
    const withChoices = chunks.filter((c) => c.choices.length > 0);
    const last = withChoices[withChoices.length - 1]!;
    expect(['stop', 'length']).toContain(last.choices[0]!.finish_reason);
    expect(withChoices.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    const usageChunk = chunks[chunks.length - 1]!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage?.completion_tokens).toBeGreaterThan(0);
    expect(usageChunk.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('ends the SSE stream with data: [DONE] and no usage chunk unless asked', async () => {
    const res = await request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: modelId, messages: question, max_tokens: 4, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const events = res.body.split('\n\n').filter(Boolean);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(res.body).not.toContain('"usage"');
  });

  it('answers 401 without the key or with a wrong one, and never accepts the renderer cookie', async () => {
    const wrong = new OpenAI({ apiKey: 'wrong-token', baseURL: `${server.url}v1`, maxRetries: 0 });
    const error = await wrong.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    expect((await request({ path: '/v1/models' })).status).toBe(401);
    const cookie = await request({ path: '/v1/models', headers: { cookie: `dianjin_token=${token}` } });
    expect(cookie.status).toBe(401);
    expect(JSON.parse(cookie.body)).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
  });

  it('answers 400 on a bad body and 404 on an unknown model or endpoint, OpenAI-style', async () => {
    const bad = await client.chat.completions.create({ model: modelId, messages: [{ role: 'tool', content: 'x', tool_call_id: '1' }] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_request_body');
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages[0].role');
    const noMessages = await client.chat.completions.create({ model: modelId, messages: [] }).catch((e: unknown) => e);
    expect(noMessages).toBeInstanceOf(OpenAI.BadRequestError);
    const notJson = await request({ path: '/v1/chat/completions', method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toEqual({ error: { message: 'The request body is not valid JSON.', type: 'invalid_request_error', param: null, code: 'invalid_json' } });
    const unknownModel = await client.chat.completions.create({ model: 'gpt-4o', messages: question }).catch((e: unknown) => e);
    expect(unknownModel).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknownModel as Error).message).toContain(modelId);
    expect((await request({ path: '/v1/embeddings', method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' })).status).toBe(404);
  });

  it('refuses cross-origin requests (no CORS) but accepts the same origin', async () => {
    const foreign = await request({ path: '/v1/models', headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request({ path: '/v1/chat/completions', method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    const same = await request({ path: '/v1/models', headers: { authorization: `Bearer ${token}`, origin: `http://127.0.0.1:${server.port}` } });
    expect(same.status).toBe(200);
  });

  it('refuses with 503 while another answer is being generated', async () => {
    const controller = new AbortController();
    const first = await client.chat.completions.create({ model: modelId, messages: question, max_tokens: 48, stream: true }, { signal: controller.signal });
    const iterator = first[Symbol.asyncIterator]();
    await iterator.next();
    expect(services.inference.status.busy).toBe(true);
    const res = await request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: modelId, messages: question, max_tokens: 4 }),
    });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'server_error', code: 'generation_busy' } });
    controller.abort();
    await waitUntilIdle();
  });

  it('stops the generation when the client disconnects mid-stream; the next request works', async () => {
    // Enough tokens that the generation is still running when the client leaves.
    const generate = vi.spyOn(services.inference, 'generate');
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: modelId, messages: question, max_tokens: 600, stream: true }, { signal: controller.signal });
    let received = 0;
    // The client ends its iteration quietly once aborted.
    for await (const _chunk of stream) {
      if (++received === 2) controller.abort();
    }
    expect(received).toBe(2);
    const run = await (generate.mock.results[0]!.value as ReturnType<typeof services.inference.generate>);
    generate.mockRestore();
    expect(run.stopReason).toBe('abort');
    expect(run.stats.completionTokens).toBeLessThan(600);
    await waitUntilIdle();
    expect(services.inference.status.busy).toBe(false);
    expect(services.inference.status.state).toBe('ready');
    const next = await client.chat.completions.create({ model: modelId, messages: question, max_tokens: 4 });
    expect(next.choices[0]!.finish_reason).toBeDefined();
    expect(next.usage?.completion_tokens).toBeGreaterThan(0);
  });
});
