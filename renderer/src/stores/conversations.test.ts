import { describe, expect, it, vi } from 'vitest';
import { AppError, type ChatChunk, type ConversationSummary, type MessageRecord } from '../contract';
import type { DeltaBatch, DeltaBatcher } from '../lib/deltaBatcher';
import { fakeApi as fakeApiOf } from '../testing/fakeApi';
import { testMessage } from '../testing/messages';
import { createConversationsStore } from './conversations';

const message = testMessage;

const summary = (id: string, updatedAt: number, messageCount = 0): ConversationSummary => ({ id, title: id, createdAt: 1, updatedAt, messageCount });

/** A batcher the test flushes by hand, to see what one frame delivers. */
function manualBatcher() {
  const made: { deliver: (b: DeltaBatch) => void; pending: DeltaBatch[]; frame: () => void }[] = [];
  const create = (deliver: (b: DeltaBatch) => void): DeltaBatcher => {
    const entry = {
      deliver,
      pending: [] as DeltaBatch[],
      frame() {
        if (entry.pending.length === 0) return;
        const merged = entry.pending.reduce((a, b) => ({ reasoning: a.reasoning + b.reasoning, answer: a.answer + b.answer, completionTokens: b.completionTokens }));
        entry.pending = [];
        deliver(merged);
      },
    };
    made.push(entry);
    return { push: (d) => void entry.pending.push(d), flushNow: () => entry.frame(), dispose: () => void (entry.pending = []) };
  };
  return { create, frame: () => made.forEach((m) => m.frame()) };
}

/** Its stream: `chat.send`, chunk by chunk to the final record. */
const fakeApi = (calls?: Parameters<typeof fakeApiOf>[0]) => fakeApiOf<unknown, ChatChunk, MessageRecord>(calls);

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('conversations store: asking', () => {
  it('streams into `live` without touching `messages`, then swaps in the final record', async () => {
    const { api, streams } = fakeApi({ 'chat.list': () => [summary('c1', 5, 2)] });
    const batches = manualBatcher();
    let clock = 1000;
    const store = createConversationsStore({ api, createBatcher: batches.create, now: () => clock });
    store.getState().setDraft('What is EBITDA?');
    const sending = store.getState().send();
    expect(store.getState().sending).toBe(true);
    const stream = streams[0]!;
    expect(stream.input).toEqual({ question: 'What is EBITDA?' });

    const user = message({ id: 'u1', role: 'user', content: 'What is EBITDA?' });
    const placeholder = message({ id: 'a1', role: 'assistant', status: 'streaming' });
    stream.emit({ type: 'start', conversation: summary('c1', 5, 2), userMessage: user, assistantMessage: placeholder, startInReasoning: true });
    let s = store.getState();
    expect(s.sending).toBe(false);
    expect(s.draft).toBe('');
    expect(s.currentId).toBe('c1');
    expect(s.messages.map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(s.live).toMatchObject({ messageId: 'a1', reasoning: '', startInReasoning: true });
    const messagesDuringStream = s.messages;

    for (let i = 0; i < 100; i++) stream.emit({ type: 'delta', reasoning: 'step ', answer: '', completionTokens: i + 1 });
    expect(store.getState().live!.reasoning).toBe(''); // nothing until the frame
    clock = 1500;
    batches.frame();
    s = store.getState();
    expect(s.live!.reasoning).toBe('step '.repeat(100));
    expect(s.live!.reasoningBlocks.join('')).toBe('step '.repeat(100));
    expect(s.live!.completionTokens).toBe(100);
    expect(s.messages).toBe(messagesDuringStream);

    clock = 2000;
    stream.emit({ type: 'delta', reasoning: '', answer: '\\boxed{42}', completionTokens: 104 });
    const final = message({ id: 'a1', role: 'assistant', reasoning: 'step '.repeat(100), answer: '\\boxed{42}', completionTokens: 104 });
    stream.resolve(final);
    await sending;
    s = store.getState();
    expect(s.live).toBeNull();
    expect(s.messages).toEqual([user, final]);
    expect(s.measures.a1).toEqual({ durationMs: 1000, tokens: 100 });
  });

  it('keeps the question in the composer and shows the error when the send is rejected', async () => {
    const { api, streams } = fakeApi({ 'chat.list': () => [] });
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create });
    store.getState().setDraft('Keep me');
    const sending = store.getState().send();
    streams[0]!.reject(new AppError('MODEL_NOT_SELECTED', 'No model.'));
    await sending;
    const s = store.getState();
    expect(s.draft).toBe('Keep me');
    expect(s.error).toEqual({ code: 'MODEL_NOT_SELECTED', message: 'No model.' });
    expect(s.sending).toBe(false);
    store.getState().setDraft('Keep me!');
    expect(store.getState().error).toBeNull();
  });

  it('refuses an empty question locally', async () => {
    const { api, streams } = fakeApi();
    const store = createConversationsStore({ api });
    store.getState().setDraft('   ');
    await store.getState().send();
    expect(streams).toHaveLength(0);
    expect(store.getState().error?.code).toBe('EMPTY_QUESTION');
  });

  it('stop aborts the stream and asks the server to stop the message; the stopped record is shown', async () => {
    const { api, streams } = fakeApi({ 'chat.list': () => [summary('c1', 6, 2)], 'chat.stop': () => ({ stopped: true }) });
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create });
    store.getState().setDraft('Q');
    const sending = store.getState().send();
    const stream = streams[0]!;
    stream.emit({
      type: 'start',
      conversation: summary('c1', 5),
      userMessage: message({ id: 'u1', role: 'user' }),
      assistantMessage: message({ id: 'a1', role: 'assistant', status: 'streaming' }),
      startInReasoning: false,
    });
    store.getState().stop();
    expect(stream.signal.aborted).toBe(true);
    expect(store.getState().live!.stopping).toBe(true);
    expect(api.call).toHaveBeenCalledWith('chat.stop', { messageId: 'a1' });
    stream.resolve(message({ id: 'a1', role: 'assistant', status: 'stopped' }));
    await sending;
    expect(store.getState().messages[1]!.status).toBe('stopped');
  });

  it('when a started stream fails, marks the message and reloads the saved conversation', async () => {
    const saved = [message({ id: 'u1', role: 'user' }), message({ id: 'a1', role: 'assistant', status: 'interrupted', reasoning: 'partial' })];
    const { api, streams } = fakeApi({ 'chat.list': () => [summary('c1', 5, 2)], 'chat.get': () => ({ ...summary('c1', 5, 2), messages: saved }) });
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create });
    store.getState().setDraft('Q');
    const sending = store.getState().send();
    streams[0]!.emit({
      type: 'start',
      conversation: summary('c1', 5),
      userMessage: saved[0]!,
      assistantMessage: message({ id: 'a1', role: 'assistant', status: 'streaming' }),
      startInReasoning: true,
    });
    streams[0]!.reject(new AppError('INTERNAL', 'The connection to the DianJin server was lost.', { client: 'connectionLost' }));
    await sending;
    await tick();
    expect(store.getState().live).toBeNull();
    expect(store.getState().messages).toEqual(saved);
    expect(store.getState().error).toBeNull();
  });
});

describe('conversations store: list', () => {
  it('orders by updatedAt and drops the open conversation when it was deleted elsewhere', async () => {
    let list = [summary('old', 1), summary('new', 9), summary('mid', 5)];
    const { api } = fakeApi({
      'chat.list': () => list,
      'chat.get': () => {
        if (!list.some((c) => c.id === 'mid')) throw new AppError('CONVERSATION_NOT_FOUND', 'Gone.');
        return { ...summary('mid', 5), messages: [] };
      },
    });
    const store = createConversationsStore({ api });
    await store.getState().refreshList();
    expect(store.getState().list.map((c) => c.id)).toEqual(['new', 'mid', 'old']);
    await store.getState().select('mid');
    list = [summary('new', 9)];
    await store.getState().refreshList();
    expect(store.getState().currentId).toBeNull();
  });

  it('keeps the open conversation when a list read before it existed comes back without it', async () => {
    const { api } = fakeApi({ 'chat.list': () => [summary('other', 1)], 'chat.get': () => ({ ...summary('c1', 5, 2), messages: [] }) });
    const store = createConversationsStore({ api });
    store.setState({ currentId: 'c1', messages: [message({ id: 'u1', role: 'user' })] });
    await store.getState().refreshList();
    expect(store.getState().currentId).toBe('c1');
    expect(store.getState().list.map((c) => c.id)).toEqual(['c1', 'other']);
    expect(store.getState().messages).toHaveLength(1);
  });

  it('new chat reuses an empty conversation instead of creating another', async () => {
    const { api } = fakeApi({
      'chat.create': () => summary('fresh', 10),
      'chat.get': () => ({ ...summary('fresh', 10), messages: [] }),
    });
    const store = createConversationsStore({ api });
    store.setState({ currentId: 'c1', list: [summary('c1', 5, 2)], messages: [message({ id: 'u1', role: 'user' })] });
    await store.getState().newChat();
    expect(store.getState().currentId).toBe('fresh');
    await store.getState().newChat();
    expect(vi.mocked(api.call).mock.calls.filter(([m]) => m === 'chat.create')).toHaveLength(1);
  });
});

describe('conversations store: regenerating and live inspection', () => {
  it('regenerates with a random seed, keeps the question in place and the draft untouched', async () => {
    const { api, streams } = fakeApi({
      'chat.list': () => [summary('c1', 5, 4)],
      'chat.get': () => ({ ...summary('c1', 5, 4), messages: [] }),
    });
    const finished = vi.fn();
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create, randomSeed: () => 777, onFinished: finished });
    const q1 = message({ id: 'q1', role: 'user', content: 'Gross margin?' });
    const a1 = message({ id: 'a1', role: 'assistant', reasoning: 'r', answer: '94' });
    const q2 = message({ id: 'q2', role: 'user', content: 'And net?' });
    const a2 = message({ id: 'a2', role: 'assistant' });
    store.setState({ currentId: 'c1', messages: [q1, a1, q2, a2], messagesStatus: 'ready', draft: 'half-typed' });

    const running = store.getState().regenerate('a1', { modelPath: '/m/other.gguf' });
    const stream = streams[0]!;
    expect(stream.input).toEqual({ question: '', regenerate: { messageId: 'a1' }, sampling: { seed: 777 }, modelPath: '/m/other.gguf' });

    const alternative = message({ id: 'a1b', role: 'assistant', status: 'streaming', alternativeOf: 'a1' });
    stream.emit({ type: 'start', conversation: summary('c1', 6, 5), userMessage: q1, assistantMessage: alternative, startInReasoning: true });
    let s = store.getState();
    expect(s.messages.map((m) => m.id)).toEqual(['q1', 'a1', 'q2', 'a2', 'a1b']);
    expect(s.draft).toBe('half-typed');
    expect(s.live).toMatchObject({ messageId: 'a1b', question: 'Gross margin?', inspection: null });

    const inspection = { steps: [], errors: 1, checked: 1, unsourcedNumbers: 0, answer: { answerValue: null, answerRaw: null, lastComputed: null, consistent: null } };
    stream.emit({ type: 'delta', reasoning: 'Gross profit = 5,829 - 5,735 = 104.', answer: '', completionTokens: 12 });
    stream.emit({ type: 'inspection', result: inspection });
    s = store.getState();
    // The inspection lands in the live slice with the deltas before it; `messages` is untouched.
    expect(s.live!.inspection).toBe(inspection);
    expect(s.live!.reasoning).toBe('Gross profit = 5,829 - 5,735 = 104.');

    const final = message({ id: 'a1b', role: 'assistant', alternativeOf: 'a1', reasoning: 'Gross profit = 5,829 - 5,735 = 104.', sampling: { temperature: 0.6, topP: 0.95, topK: 20, minP: 0, repeatPenalty: 1, maxTokens: 10, seed: 777 } });
    stream.resolve(final);
    await running;
    expect(store.getState().messages.map((m) => m.id)).toEqual(['q1', 'a1', 'q2', 'a2', 'a1b']);
    expect(finished).toHaveBeenCalledWith(final, 'Gross margin?', inspection);
  });

  it('uses a typed seed and refuses while another answer streams', async () => {
    const { api, streams } = fakeApi({ 'chat.list': () => [] });
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create });
    store.setState({ currentId: 'c1' });
    void store.getState().regenerate('a1', { seed: 5 });
    expect(streams[0]!.input).toEqual({ question: '', regenerate: { messageId: 'a1' }, sampling: { seed: 5 } });
    await store.getState().regenerate('a1');
    expect(streams).toHaveLength(1);
  });
});

describe('conversations store: attached documents', () => {
  it('a new conversation sends its attachments with the first question', async () => {
    const { api, streams } = fakeApi({ 'chat.list': () => [] });
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create });
    expect(await store.getState().setDocuments(['d1', 'd2'])).toBe(true);
    expect(api.call).not.toHaveBeenCalledWith('chat.setDocuments', expect.anything());
    store.getState().setDraft('Net income?');
    void store.getState().send();
    expect(streams[0]!.input).toEqual({ question: 'Net income?', documentIds: ['d1', 'd2'] });
  });

  it('an existing conversation saves them at once; loading one shows its own', async () => {
    const { api, streams } = fakeApi({
      'chat.get': () => ({ ...summary('c1', 5, 2), messages: [], documentIds: ['d9'] }),
      'chat.setDocuments': (input) => ({ ...summary('c1', 5, 2), messages: [], documentIds: (input as { documentIds: string[] }).documentIds }),
      'chat.list': () => [],
    });
    const store = createConversationsStore({ api, createBatcher: manualBatcher().create });
    await store.getState().select('c1');
    expect(store.getState().documentIds).toEqual(['d9']);
    await store.getState().setDocuments(['d9', 'd3']);
    expect(api.call).toHaveBeenCalledWith('chat.setDocuments', { conversationId: 'c1', documentIds: ['d9', 'd3'] });
    expect(store.getState().documentIds).toEqual(['d9', 'd3']);
    store.getState().setDraft('And revenue?');
    void store.getState().send();
    expect(streams[0]!.input).toEqual({ conversationId: 'c1', question: 'And revenue?' });
  });

  it('keeps the previous attachments and shows the error when saving fails', async () => {
    const { api } = fakeApi({
      'chat.get': () => ({ ...summary('c1', 5, 2), messages: [], documentIds: ['d1'] }),
      'chat.setDocuments': () => {
        throw new AppError('DOCUMENT_NOT_FOUND', 'Gone.');
      },
    });
    const store = createConversationsStore({ api });
    await store.getState().select('c1');
    expect(await store.getState().setDocuments([])).toBe(false);
    expect(store.getState().documentIds).toEqual(['d1']);
    expect(store.getState().error?.code).toBe('DOCUMENT_NOT_FOUND');
  });
});
