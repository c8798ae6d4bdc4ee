/**
 * The app services with a remote engine (a scripted OpenAI-compatible server on loopback): the same chat, reasoning
 * split, inspector and saved records as the local model; the API key kept out of every response and of the database.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatChunk, ChatSendInput, MethodName } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { MessageRecord } from '../../shared/records';
import { createTestServices } from '../../testing/fixtures';
import { plainSecretsFileName, type SecretStore } from '../secrets';
import { startStubOpenAiServer, stubAnswer, stubReasoning, type StubServer } from './testing/stubOpenAiServer';

const apiKey = 'sk-stub-0123456789-very-secret';
type Services = Awaited<ReturnType<typeof createTestServices>>;
let services: Services | null = null;
let server: StubServer | null = null;
afterEach(async () => {
  await services?.cleanup();
  await server?.close();
  services = null;
  server = null;
});

const ctx = () => ({ signal: new AbortController().signal, host: 'cli' as const });
const call = (s: Services, method: MethodName, input: unknown) => s.dispatcher.call(method, input, ctx());

async function ask(s: Services, input: ChatSendInput, signal = new AbortController().signal) {
  const chunks: ChatChunk[] = [];
  const iterator = s.dispatcher.stream('chat.send', input, { signal, host: 'cli' });
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { record: next.value as MessageRecord, chunks };
    chunks.push(next.value as ChatChunk);
  }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Everything the data dir holds, as text (SQLite pages included), to prove the key is not in it. */
function dataDirText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

async function remoteServices(options: { secrets?: SecretStore } = {}) {
  server = await startStubOpenAiServer({ apiKey });
  services = await createTestServices(options.secrets ? { secrets: options.secrets } : {});
  await call(services, 'settings.update', { engine: { kind: 'remote', baseUrl: server.baseUrl, model: 'dianjin-split' } });
  return { s: services, stub: server };
}

describe('ChatService with a remote engine', () => {
  it('answers with the same reasoning/answer split, records the remote model and stats, and the inspector checks it', async () => {
    const { s, stub } = await remoteServices();
    await call(s, 'secrets.setEngineKey', { apiKey });
    const { record, chunks } = await ask(s, { question: 'Revenue 200, cost 150: what is the gross margin?' });
    expect(chunks[0]).toMatchObject({ type: 'start', startInReasoning: false });
    const streamed = chunks.filter((c) => c.type === 'delta');
    expect(streamed.map((c) => c.reasoning).join('')).toBe(stubReasoning.join('').trim());
    expect(streamed.map((c) => c.answer).join('')).toBe(stubAnswer.join('').trim());
    expect(record).toMatchObject({ status: 'complete', backend: 'remote', modelName: 'dianjin-split', modelPath: stub.baseUrl, modelHash: null, promptTokens: 42, completionTokens: 37 });
    expect(record.reasoning).toBe(stubReasoning.join('').trim());
    expect(record.answer).toBe(stubAnswer.join('').trim());
    expect(record.content).toMatch(/^<think>Revenue 200.*<\/think>The gross margin/s);
    // The inspector ran on the remote trace: both calculations check out.
    const last = chunks.filter((c) => c.type === 'inspection').at(-1);
    expect(last?.type === 'inspection' && last.result.checked).toBeGreaterThanOrEqual(2);
    expect(last?.type === 'inspection' && last.result.errors).toBe(0);
    const checked = (await call(s, 'trace.checkMessage', { messageId: record.id })) as { result: { checked: number } };
    expect(checked.result.checked).toBeGreaterThanOrEqual(2);
    expect(stub.requests.at(-1)?.authorization).toBe(`Bearer ${apiKey}`);
    // The conversation goes on: the next question carries the earlier answer, not its reasoning.
    const second = await ask(s, { question: 'And the cost ratio?', conversationId: record.conversationId });
    expect(second.record.status).toBe('complete');
    const messages = stub.requests.at(-1)?.body?.messages as Array<{ role: string; content: string }>;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[1]?.content).toBe(record.answer);
  });

  it('a per-request engine overrides settings (reasoning in `reasoning`), and an explicit model file means local', async () => {
    const { s } = await remoteServices();
    await call(s, 'secrets.setEngineKey', { apiKey });
    const { record } = await ask(s, { question: 'Margin?', engine: { kind: 'remote', baseUrl: server!.baseUrl, model: 'dianjin-reasoning-field' } });
    expect(record).toMatchObject({ backend: 'remote', modelName: 'dianjin-reasoning-field', answer: stubAnswer.join('').trim() });
    const local = await failure(ask(s, { question: 'Margin?', engine: { kind: 'local' } }));
    expect(local.code).toBe('MODEL_NOT_SELECTED');
  });

  it('401 is ENGINE_UNAUTHORIZED and the message is saved as an error', async () => {
    const { s } = await remoteServices();
    await call(s, 'secrets.setEngineKey', { apiKey: 'sk-wrong-key' });
    const error = await failure(ask(s, { question: 'Margin?' }));
    expect(error.code).toBe('ENGINE_UNAUTHORIZED');
    const [conversation] = s.store.listConversations();
    const saved = s.store.getConversation(conversation!.id).messages.at(-1)!;
    expect(saved).toMatchObject({ status: 'error', errorCode: 'ENGINE_UNAUTHORIZED', backend: 'remote' });
  });

  it('a disconnect mid-answer keeps the partial reasoning, marked as an error', async () => {
    const { s } = await remoteServices();
    await call(s, 'secrets.setEngineKey', { apiKey });
    await call(s, 'settings.update', { engine: { model: 'dianjin-drop' } });
    const error = await failure(ask(s, { question: 'Margin?' }));
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    const [conversation] = s.store.listConversations();
    const saved = s.store.getConversation(conversation!.id).messages.at(-1)!;
    expect(saved.status).toBe('error');
    expect(saved.reasoning).toContain('Gross profit = 200 - 150 = 50.');
    expect(saved.answer).toBe('');
  });

  it('stopping closes the connection and saves what came as stopped', async () => {
    const { s, stub } = await remoteServices();
    await call(s, 'secrets.setEngineKey', { apiKey });
    await call(s, 'settings.update', { engine: { model: 'dianjin-slow' } });
    const iterator = s.dispatcher.stream('chat.send', { question: 'Margin?' }, ctx());
    let messageId = '';
    for (;;) {
      const next = await iterator.next();
      if (next.done) throw new Error('ended before a delta');
      const chunk = next.value as ChatChunk;
      if (chunk.type === 'start') messageId = chunk.assistantMessage.id;
      if (chunk.type === 'delta') break;
    }
    expect(await call(s, 'chat.stop', { messageId })).toEqual({ stopped: true });
    let next = await iterator.next();
    while (!next.done) next = await iterator.next();
    const record = next.value as MessageRecord;
    expect(record.status).toBe('stopped');
    expect(record.reasoning.length).toBeGreaterThan(0);
    await stub.clientClosed();
  });

  it('the key never comes back: not from app.info, settings, key status, engine.test, errors, or the data folder', async () => {
    const { s, stub } = await remoteServices();
    const status = await call(s, 'secrets.setEngineKey', { apiKey });
    expect(status).toEqual({ saved: true, origin: new URL(stub.baseUrl).origin, encrypted: false });
    const tested = await call(s, 'engine.test', { baseUrl: stub.baseUrl, model: 'dianjin-split' });
    expect(tested).toMatchObject({ baseUrl: stub.baseUrl, modelFound: true });
    const wrong = await failure(call(s, 'engine.test', { baseUrl: stub.baseUrl, apiKey: 'sk-typo-in-the-test-field' }));
    expect(wrong.code).toBe('ENGINE_UNAUTHORIZED');
    await ask(s, { question: 'Margin?' });
    const info = (await call(s, 'app.info', {})) as { secretsEncrypted: boolean; secretsWarning: string | null };
    expect(info.secretsEncrypted).toBe(false);
    expect(info.secretsWarning).toMatch(/PLAIN TEXT/);
    const responses = JSON.stringify([status, tested, wrong.toJSON(), info, await call(s, 'settings.get', {}), await call(s, 'secrets.engineKeyStatus', {}), s.store.listConversations()]);
    expect(responses).not.toContain(apiKey);
    expect(responses).not.toContain('sk-typo');
    // Plain text only in its own, clearly named file (the CLI/serve fallback); never in the database.
    const files = dataDirText(s.paths.dataDir);
    const plainFile = readFileSync(path.join(s.paths.dataDir, plainSecretsFileName), 'utf8');
    expect(plainFile).toContain(apiKey);
    expect(files.split(apiKey).length - 1).toBe(1);
    expect(await call(s, 'secrets.clearEngineKey', {})).toEqual({ cleared: true });
    expect(await call(s, 'secrets.engineKeyStatus', {})).toEqual({ saved: false, origin: null, encrypted: false });
  });

  it('the saved key goes only to the origin it was saved for', async () => {
    const { s, stub } = await remoteServices();
    await call(s, 'secrets.setEngineKey', { apiKey, baseUrl: 'https://llm.example.com/v1' });
    const error = await failure(ask(s, { question: 'Margin?' }));
    expect(error.code).toBe('ENGINE_UNAUTHORIZED');
    expect(stub.requests.every((r) => r.authorization === null)).toBe(true);
  });

  it('with the local engine (the default) nothing is sent anywhere', async () => {
    server = await startStubOpenAiServer();
    services = await createTestServices();
    expect(services.store.getSettings().engine).toEqual({ kind: 'local', baseUrl: '', model: '' });
    const error = await failure(ask(services, { question: 'Margin?' }));
    expect(error.code).toBe('MODEL_NOT_SELECTED');
    expect(server.requests).toHaveLength(0);
  });

  it('an encrypted secret store (the Electron one) is reported as such', async () => {
    const values = new Map<string, string>();
    const encrypted: SecretStore = {
      encrypted: true,
      get: async (name) => values.get(name) ?? null,
      has: async (name) => values.has(name),
      set: async (name, value) => void values.set(name, value),
      delete: async (name) => values.delete(name),
    };
    const { s } = await remoteServices({ secrets: encrypted });
    expect(await call(s, 'secrets.setEngineKey', { apiKey })).toMatchObject({ saved: true, encrypted: true });
    expect(await call(s, 'app.info', {})).toMatchObject({ secretsEncrypted: true, secretsWarning: null });
    expect((await ask(s, { question: 'Margin?' })).record.status).toBe('complete');
  });

  it('settings refuse a remote engine without an address and model', async () => {
    services = await createTestServices();
    const error = await failure(call(services, 'settings.update', { engine: { kind: 'remote' } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/address and a model/);
  });
});
