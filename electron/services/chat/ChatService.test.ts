/**
 * Model-dependent: the real inference process with the tiny generated GGUF, real SQLite. The model answers
 * gibberish, so these tests check mechanics (streaming, saving, stopping, crashing, recovering), never words.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTestModel, writeTruncatedCopy } from '../../../models/testModel/generateTestModel';
import type { AppEvent, ChatChunk, ChatSendInput } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { MessageRecord } from '../../shared/records';
import { createTestServices, tempDir, tinyModel } from '../../testing/fixtures';
import { splitReasoning } from '../reasoning';
import { buildTurns } from './ChatService';

type Services = Awaited<ReturnType<typeof createTestServices>>;
let services: Services | null = null;
afterEach(async () => {
  await services?.cleanup();
  services = null;
});

async function ask(s: Services, input: ChatSendInput, options: { signal?: AbortSignal; onChunk?: (chunk: ChatChunk) => void } = {}) {
  const chunks: ChatChunk[] = [];
  const iterator = s.dispatcher.stream('chat.send', input, { signal: options.signal ?? new AbortController().signal, host: 'cli' });
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { record: next.value as MessageRecord, chunks };
    chunks.push(next.value as ChatChunk);
    options.onChunk?.(next.value as ChatChunk);
  }
}

async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

function waitForEvent(s: Services, predicate: (e: AppEvent) => boolean, timeoutMs = 30_000): Promise<AppEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('event did not come')), timeoutMs);
    const off = s.events.subscribe((event) => {
      if (predicate(event)) {
        clearTimeout(timer);
        off();
        resolve(event);
      }
    });
  });
}

describe('ChatService with the real inference process', () => {
  it('streams reasoning and answer and saves the message with model, settings and stats', async () => {
    services = await createTestServices();
    const { record, chunks } = await ask(services, { question: '公司营业利润率是多少？ What is the operating margin?', modelPath: tinyModel });
    expect(chunks[0]?.type).toBe('start');
    const start = chunks[0] as Extract<ChatChunk, { type: 'start' }>;
    // The test model's template opens <think> in the generation prompt.
    expect(start.startInReasoning).toBe(true);
    expect(chunks.filter((c) => c.type === 'delta').length).toBeGreaterThan(0);
    expect(record.status).toBe('complete');
    expect(record.completionTokens).toBeGreaterThan(0);
    expect(record.promptTokens).toBeGreaterThan(5);
    expect(record.ttftMs).toBeGreaterThan(0);
    expect(record.modelName).toBe('DianJin Test Tiny');
    expect(record.backend).toBe('cpu');
    expect(record.sampling?.seed).toBe(7);
    // What was saved is the canonical split of the raw text.
    const split = splitReasoning(record.content, { startInReasoning: true });
    expect(record.reasoning).toBe(split.reasoning);
    expect(record.answer).toBe(split.answer);
    const conversation = services.store.getConversation(record.conversationId);
    expect(conversation.title).toContain('公司营业利润率');
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    // The streamed reasoning is the saved reasoning.
    const streamed = chunks.map((c) => (c.type === 'delta' ? c.reasoning : '')).join('');
    expect(streamed.trim()).toBe(record.reasoning);
    // The inspector's final view of the trace closes the stream.
    const last = chunks.at(-1);
    expect(last?.type).toBe('inspection');
    expect((last as Extract<ChatChunk, { type: 'inspection' }>).result.steps.length).toBeGreaterThan(0);
  });

  it('continues a conversation and reuses the loaded model', async () => {
    services = await createTestServices();
    const first = await ask(services, { question: 'Revenue 2023?', modelPath: tinyModel });
    const pid = services.inference.status.pid;
    const second = await ask(services, { question: 'And 2024?', modelPath: tinyModel, conversationId: first.record.conversationId });
    expect(second.record.conversationId).toBe(first.record.conversationId);
    expect(services.inference.status.pid).toBe(pid);
    expect(services.store.getConversation(first.record.conversationId).messages).toHaveLength(4);
    // The second prompt includes the first turn.
    expect(second.record.promptTokens).toBeGreaterThan(first.record.promptTokens!);
    // Every message keeps the model file's hash (computed in the background after the first load).
    const sha256 = createHash('sha256').update(readFileSync(tinyModel)).digest('hex');
    expect(second.record.modelHash).toBe(sha256);
  });

  it('regenerates an answer as an alternative of the original, for the same question and history', async () => {
    services = await createTestServices();
    const first = await ask(services, { question: '毛利率是多少？', modelPath: tinyModel });
    const again = await ask(services, { question: '', modelPath: tinyModel, regenerate: { messageId: first.record.id }, sampling: { seed: 99 } });
    expect(again.record.alternativeOf).toBe(first.record.id);
    expect(again.record.conversationId).toBe(first.record.conversationId);
    expect(again.record.promptTokens).toBe(first.record.promptTokens);
    expect(again.record.sampling?.seed).toBe(99);
    const start = again.chunks[0] as Extract<ChatChunk, { type: 'start' }>;
    expect(start.userMessage.id).toBe(services.store.getConversation(first.record.conversationId).messages[0]?.id);
    // A third answer groups under the original too.
    const third = await ask(services, { question: '', modelPath: tinyModel, regenerate: { messageId: again.record.id } });
    expect(third.record.alternativeOf).toBe(first.record.id);
    expect(services.store.getConversation(first.record.conversationId).messages.map((m) => m.role)).toEqual(['user', 'assistant', 'assistant', 'assistant']);
    // Alternatives stay out of the history the model sees next.
    const history = services.store.getConversation(first.record.conversationId).messages;
    expect(buildTurns(history, 'next?').map((t) => t.role)).toEqual(history[1]!.answer.trim() ? ['user', 'assistant', 'user'] : ['user', 'user']);
    await expectCode(ask(services, { question: '', modelPath: tinyModel, regenerate: { messageId: history[0]!.id } }), 'INVALID_INPUT');
  });

  it('stops when the client aborts and keeps the partial answer as "stopped"', async () => {
    services = await createTestServices();
    const controller = new AbortController();
    const { record } = await ask(
      services,
      { question: 'Explain EBITDA.', modelPath: tinyModel, sampling: { maxTokens: 2000 } },
      { signal: controller.signal, onChunk: (chunk) => chunk.type === 'delta' && controller.abort() },
    );
    expect(record.status).toBe('stopped');
    expect(record.completionTokens).toBeLessThan(2000);
    expect(services.store.getMessage(record.id).content.length).toBeGreaterThan(0);
  });

  it('saves the partial answer while it streams, then stops through chat.stop from another client', async () => {
    services = await createTestServices();
    const s = services;
    let messageId = '';
    let sawPartial = false;
    const done = ask(s, { question: 'Walk through a DCF.', modelPath: tinyModel, sampling: { maxTokens: 3000 } }, {
      onChunk: (chunk) => {
        if (chunk.type === 'start') messageId = chunk.assistantMessage.id;
      },
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !sawPartial) {
      await new Promise((r) => setTimeout(r, 100));
      if (!messageId) continue;
      const saved = s.store.getMessage(messageId);
      sawPartial = saved.status === 'streaming' && saved.content.length > 0;
    }
    expect(sawPartial).toBe(true);
    expect(await s.dispatcher.call('chat.stop', { messageId }, { signal: new AbortController().signal, host: 'cli' })).toEqual({ stopped: true });
    const { record } = await done;
    expect(record.status).toBe('stopped');
  });

  it('survives a crash of the inference process mid-answer: partial kept as interrupted, process restarted, next question works', async () => {
    services = await createTestServices();
    const s = services;
    await s.models.ensureLoaded(tinyModel, s.store.getSettings().load);
    const crashedPid = s.inference.status.pid!;
    const restarted = waitForEvent(s, (e) => e.type === 'inference.restarted');
    let deltas = 0;
    const { record } = await ask(s, { question: 'Compute ROE.', modelPath: tinyModel, sampling: { maxTokens: 3000 } }, {
      onChunk: (chunk) => {
        if (chunk.type === 'delta' && ++deltas === 2) process.kill(crashedPid, 'SIGKILL');
      },
    });
    expect(record.status).toBe('interrupted');
    expect(record.errorCode).toBe('INFERENCE_CRASHED');
    expect(record.content.length).toBeGreaterThan(0);
    expect(s.store.getMessage(record.id).status).toBe('interrupted');
    const event = await restarted;
    expect(event).toMatchObject({ type: 'inference.restarted', interruptedMessageId: record.id });
    expect(s.inference.status.state).toBe('ready');
    expect(s.inference.status.pid).not.toBe(crashedPid);
    expect(s.inference.status.restarts).toBe(1);
    const next = await ask(s, { question: 'Try again.', modelPath: tinyModel, conversationId: record.conversationId });
    expect(next.record.status).toBe('complete');
    expect(s.store.getConversation(record.conversationId).messages.map((m) => m.status)).toEqual(['complete', 'interrupted', 'complete', 'complete']);
  });
});

describe('bad input gets a specific error and nothing saved is lost', () => {
  it('empty question, no model selected, unknown conversation', async () => {
    services = await createTestServices();
    await expectCode(ask(services, { question: '   ', modelPath: tinyModel }), 'EMPTY_QUESTION');
    await expectCode(ask(services, { question: 'Hi' }), 'MODEL_NOT_SELECTED');
    await expectCode(ask(services, { question: 'Hi', modelPath: tinyModel, conversationId: 'nope' }), 'CONVERSATION_NOT_FOUND');
    expect(services.store.listConversations()).toHaveLength(0);
  });

  it('missing, folder, non-GGUF, truncated, unsupported architecture, too large', async () => {
    const { dir, cleanup } = tempDir();
    try {
      services = await createTestServices();
      const saved = await ask(services, { question: 'Keep me', modelPath: tinyModel });
      const notGguf = path.join(dir, 'report.gguf');
      await writeFile(notGguf, 'This is a PDF, not a model');
      const truncated = path.join(dir, 'cut.gguf');
      await writeTruncatedCopy(tinyModel, truncated, 200_000);
      const alien = path.join(dir, 'alien.gguf');
      await generateTestModel({ outPath: alien, architecture: 'notanarch' });
      await expectCode(ask(services, { question: 'Hi', modelPath: path.join(dir, 'missing.gguf') }), 'MODEL_FILE_NOT_FOUND');
      await expectCode(ask(services, { question: 'Hi', modelPath: dir }), 'MODEL_NOT_A_FILE');
      await expectCode(ask(services, { question: 'Hi', modelPath: notGguf }), 'MODEL_NOT_GGUF');
      await expectCode(ask(services, { question: 'Hi', modelPath: truncated }), 'MODEL_TRUNCATED');
      await expectCode(ask(services, { question: 'Hi', modelPath: alien }), 'MODEL_UNSUPPORTED_ARCHITECTURE');
      // The loaded model stays usable after the refusals.
      expect(services.inference.status.state).toBe('ready');
      const conversation = services.store.getConversation(saved.record.conversationId);
      expect(conversation.messages).toHaveLength(2);
      await services.cleanup();
      services = await createTestServices({ totalMemoryBytes: 1024 * 1024 });
      await expectCode(ask(services, { question: 'Hi', modelPath: tinyModel }), 'MODEL_TOO_LARGE');
    } finally {
      cleanup();
    }
  });

  it('a question longer than the context gets CONTEXT_OVERFLOW; the conversation keeps what it had', async () => {
    services = await createTestServices();
    services.store.updateSettings({ load: { contextSize: 256 } });
    const first = await ask(services, { question: 'Short question', modelPath: tinyModel, sampling: { maxTokens: 8 } });
    const error = await expectCode(ask(services, { question: '营业收入 revenue '.repeat(200), modelPath: tinyModel, conversationId: first.record.conversationId }), 'CONTEXT_OVERFLOW');
    expect(error.message).toMatch(/context/);
    const messages = services.store.getConversation(first.record.conversationId).messages;
    expect(messages[0]?.content).toBe('Short question');
    expect(messages[1]?.status).toBe('complete');
    // The failed question is kept with its error, not silently dropped.
    expect(messages.at(-1)).toMatchObject({ status: 'error', errorCode: 'CONTEXT_OVERFLOW' });
  });
});
