import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { Store } from './Store';
import { assistantInput, sampling, steppingClock, tempDir } from './testUtils';

function expectAppError(fn: () => unknown, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
  if (message) expect((caught as AppError).message).toMatch(message);
}

describe('Store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    store = Store.open(tmp.file, { now: steppingClock() });
  });
  afterEach(() => {
    store.close();
    tmp.cleanup();
  });

  describe('conversations', () => {
    it('creates, lists (most recent first, with counts), gets, renames, deletes', () => {
      const a = store.createConversation('Q3 revenue');
      const b = store.createConversation();
      expect(a).toMatchObject({ title: 'Q3 revenue', messageCount: 0 });
      expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(store.listConversations().map((c) => c.id)).toEqual([b.id, a.id]);

      store.addUserMessage(a.id, 'What drove the margin change?');
      const list = store.listConversations();
      expect(list.map((c) => c.id)).toEqual([a.id, b.id]);
      expect(list[0]).toMatchObject({ messageCount: 1, createdAt: a.createdAt });
      expect(list[0]!.updatedAt).toBeGreaterThan(a.updatedAt);

      const renamed = store.renameConversation(b.id, '  Bond ladder \n review  ');
      expect(renamed.title).toBe('Bond ladder review');
      // Renaming does not reorder.
      expect(store.listConversations().map((c) => c.id)).toEqual([a.id, b.id]);

      store.deleteConversation(b.id);
      expect(store.listConversations().map((c) => c.id)).toEqual([a.id]);
      expectAppError(() => store.getConversation(b.id), 'CONVERSATION_NOT_FOUND');
      expectAppError(() => store.deleteConversation(b.id), 'CONVERSATION_NOT_FOUND');
      expectAppError(() => store.renameConversation(b.id, 'x'), 'CONVERSATION_NOT_FOUND');
    });

    it('validates titles: trimmed, 1–200 characters', () => {
      const c = store.createConversation('t');
      expectAppError(() => store.renameConversation(c.id, '   '), 'INVALID_INPUT', /empty/);
      expectAppError(() => store.renameConversation(c.id, 'x'.repeat(201)), 'INVALID_INPUT', /at most 200/);
      expect(store.renameConversation(c.id, '财'.repeat(200)).title).toBe('财'.repeat(200));
      expectAppError(() => store.createConversation('y'.repeat(201)), 'INVALID_INPUT');
      expectAppError(() => store.renameConversation(c.id, 42 as unknown as string), 'INVALID_INPUT');
    });

    it('names an untitled conversation after its first question, once', () => {
      const c = store.createConversation('');
      store.addUserMessage(c.id, '  请分析贵州茅台2023年的毛利率变化，\n并与五粮液比较。另外请说明主要驱动因素和未来三年的风险点，包括渠道库存和消费税政策。');
      const title = store.getConversation(c.id).title;
      expect(title.startsWith('请分析贵州茅台2023年的毛利率变化， 并与五粮液比较。')).toBe(true);
      expect(title).not.toMatch(/\n/);
      expect(Array.from(title).length).toBeLessThanOrEqual(60);
      expect(title.endsWith('…')).toBe(true);

      store.addUserMessage(c.id, 'Second question');
      expect(store.getConversation(c.id).title).toBe(title);

      const titled = store.createConversation('Mine');
      store.addUserMessage(titled.id, 'Anything');
      expect(store.getConversation(titled.id).title).toBe('Mine');

      const short = store.createConversation();
      store.addUserMessage(short.id, 'What is EBITDA?');
      expect(store.getConversation(short.id).title).toBe('What is EBITDA?');
    });

    it('cascades deletes to messages', () => {
      const c = store.createConversation();
      store.addUserMessage(c.id, 'q');
      const m = store.startAssistantMessage(c.id, assistantInput);
      const other = store.createConversation();
      store.addUserMessage(other.id, 'kept');
      store.deleteConversation(c.id);

      const db = new Database(tmp.file, { readonly: true });
      expect(db.prepare('SELECT COUNT(*) FROM messages WHERE conversation_id = ?').pluck().get(c.id)).toBe(0);
      expect(db.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(1);
      db.close();
      expectAppError(() => store.getMessage(m.id), 'NOT_FOUND');
      expect(store.savePartial(m.id, { content: 'late', reasoning: '', answer: '' })).toBe(false);
      expectAppError(() => store.finishAssistantMessage(m.id, { status: 'complete', content: '', reasoning: '', answer: '' }), 'NOT_FOUND');
    });
  });

  describe('messages', () => {
    it('round-trips a full exchange in seq order, with model, sampling and stats', () => {
      const c = store.createConversation();
      const user = store.addUserMessage(c.id, 'What is the P/E of 600519?');
      expect(user).toMatchObject({ role: 'user', status: 'complete', content: 'What is the P/E of 600519?', reasoning: '', answer: '', sampling: null, modelPath: null });
      expect(user).not.toHaveProperty('promptTokens');

      const started = store.startAssistantMessage(c.id, assistantInput);
      expect(started).toMatchObject({
        role: 'assistant',
        status: 'streaming',
        content: '',
        modelPath: assistantInput.modelPath,
        modelName: 'DianJin-R1-7B',
        modelHash: 'sha256:abc',
        backend: 'cpu',
        sampling,
        errorCode: null,
      });

      expect(store.savePartial(started.id, { content: '<think>P/E = price', reasoning: 'P/E = price', answer: '' })).toBe(true);
      const finished = store.finishAssistantMessage(started.id, {
        status: 'complete',
        content: '<think>P/E = price / EPS</think><answer>About 25.</answer>',
        reasoning: 'P/E = price / EPS',
        answer: 'About 25.',
        promptTokens: 42,
        completionTokens: 17,
        ttftMs: 350.5,
        tokensPerSecond: 12.25,
        durationMs: 1800,
      });
      expect(finished).toMatchObject({ status: 'complete', answer: 'About 25.', promptTokens: 42, completionTokens: 17, ttftMs: 350.5, tokensPerSecond: 12.25, durationMs: 1800 });
      expect(finished.updatedAt).toBeGreaterThan(started.updatedAt);

      store.addUserMessage(c.id, 'And the dividend yield?');
      const conv = store.getConversation(c.id);
      expect(conv.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
      expect(conv.messages[1]).toEqual(finished);
      expect(conv.messageCount).toBe(3);
      expect(conv.updatedAt).toBe(conv.messages[2]!.createdAt);

      // Survives re-opening.
      store.close();
      store = Store.open(tmp.file);
      expect(store.getConversation(c.id)).toEqual(conv);
    });

    it('records errors and stopped generations; null stats stay absent', () => {
      const c = store.createConversation();
      store.addUserMessage(c.id, 'q');
      const m = store.startAssistantMessage(c.id, assistantInput);
      const failed = store.finishAssistantMessage(m.id, {
        status: 'error',
        content: '',
        reasoning: '',
        answer: '',
        errorCode: 'CONTEXT_OVERFLOW',
        errorMessage: 'Too long',
        ttftMs: null,
        promptTokens: 9000,
      });
      expect(failed).toMatchObject({ status: 'error', errorCode: 'CONTEXT_OVERFLOW', errorMessage: 'Too long', promptTokens: 9000 });
      expect(failed).not.toHaveProperty('ttftMs');
      // A partial arriving after the finish does not undo it.
      expect(store.savePartial(m.id, { content: 'late', reasoning: '', answer: '' })).toBe(false);
      expect(store.getMessage(m.id).content).toBe('');
    });

    it('validates input', () => {
      const c = store.createConversation();
      expectAppError(() => store.addUserMessage(c.id, '   \n '), 'EMPTY_QUESTION');
      expectAppError(() => store.addUserMessage('nope', 'q'), 'CONVERSATION_NOT_FOUND');
      expectAppError(() => store.startAssistantMessage('nope', assistantInput), 'CONVERSATION_NOT_FOUND');
      expectAppError(
        () => store.startAssistantMessage(c.id, { ...assistantInput, sampling: { ...sampling, temperature: 9 } }),
        'INVALID_INPUT',
        /temperature/,
      );
      const m = store.startAssistantMessage(c.id, assistantInput);
      expectAppError(
        () => store.finishAssistantMessage(m.id, { status: 'streaming' as 'complete', content: '', reasoning: '', answer: '' }),
        'INVALID_INPUT',
      );
      expect(store.getConversation(c.id).messages).toHaveLength(1);
    });

    it('round-trips Chinese text, emoji and newlines exactly', () => {
      const c = store.createConversation('财报分析 📈');
      const question = '请计算：\n营业收入 1,234.5 亿元，净利润 567.8 亿元，净利率是多少？\t𠀀';
      store.addUserMessage(c.id, question);
      const m = store.startAssistantMessage(c.id, { ...assistantInput, modelPath: 'C:\\模型\\点金-R1.gguf', modelName: '点金-R1' });
      const text = { content: '<think>净利率 = 净利润 ÷ 营业收入</think>约 46.0%', reasoning: '净利率 = 净利润 ÷ 营业收入', answer: '约 46.0%' };
      store.finishAssistantMessage(m.id, { status: 'complete', ...text });
      store.close();

      store = Store.open(tmp.file);
      const conv = store.getConversation(c.id);
      expect(conv.title).toBe('财报分析 📈');
      expect(conv.messages[0]!.content).toBe(question);
      expect(conv.messages[1]).toMatchObject({ ...text, modelPath: 'C:\\模型\\点金-R1.gguf', modelName: '点金-R1' });
    });
  });

  describe('crash recovery', () => {
    it('keeps partial text of a generation that never finished and marks it interrupted on the next start', () => {
      const c = store.createConversation();
      store.addUserMessage(c.id, '分析一下现金流');
      const m = store.startAssistantMessage(c.id, assistantInput);
      store.savePartial(m.id, { content: '<think>经营现金流', reasoning: '经营现金流', answer: '' });
      store.savePartial(m.id, { content: '<think>经营现金流为正，', reasoning: '经营现金流为正，', answer: '' });
      const lastSaved = store.getMessage(m.id).updatedAt;
      const listedAt = store.listConversations()[0]!.updatedAt;
      store.close(); // no finish: the app died here

      store = Store.open(tmp.file);
      expect(store.getMessage(m.id).status).toBe('streaming');
      expect(store.markStreamingInterrupted()).toBe(1);
      expect(store.markStreamingInterrupted()).toBe(0);
      const after = store.getMessage(m.id);
      expect(after).toMatchObject({ status: 'interrupted', content: '<think>经营现金流为正，', reasoning: '经营现金流为正，', updatedAt: lastSaved });
      // Recovery does not reorder the conversation list.
      expect(store.listConversations()[0]!.updatedAt).toBe(listedAt);
    });

    it('sees committed partials even when the crashed connection was never closed', () => {
      const c = store.createConversation();
      const m = store.startAssistantMessage(c.id, assistantInput);
      store.savePartial(m.id, { content: 'half an answer', reasoning: '', answer: '' });
      // `store` stays open, as a killed process would leave its WAL behind; a second connection recovers.
      using second = Store.open(tmp.file);
      expect(second.markStreamingInterrupted()).toBe(1);
      expect(second.getMessage(m.id)).toMatchObject({ status: 'interrupted', content: 'half an answer' });
    });

    it('lets a finish replace the interrupted mark (the crash report arrives after recovery)', () => {
      const c = store.createConversation();
      const m = store.startAssistantMessage(c.id, assistantInput);
      store.markStreamingInterrupted();
      const failed = store.finishAssistantMessage(m.id, { status: 'error', content: '', reasoning: '', answer: '', errorCode: 'INFERENCE_CRASHED' });
      expect(failed.status).toBe('error');
    });
  });

  describe('lifecycle', () => {
    it('close is idempotent and Symbol.dispose closes', () => {
      const s = Store.open(tmp.file);
      s[Symbol.dispose]();
      expect(s.isOpen).toBe(false);
      s.close();
      {
        using t = Store.open(tmp.file);
        expect(t.isOpen).toBe(true);
      }
    });

    it('creates the parent folder of the database file', () => {
      using s = Store.open(`${tmp.dir}/a/b/c.sqlite3`);
      expect(s.listConversations()).toEqual([]);
    });
  });
});
