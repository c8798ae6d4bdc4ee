import { describe, expect, it, vi } from 'vitest';
import { AppError, type ApiClient, type MessageRecord } from '../contract';
import { result } from '../lib/fixtures/grossProfit';
import { testMessage } from '../testing/messages';
import { checkKey, createInspectorStore } from './inspector';

function answer(partial: Partial<MessageRecord> = {}): MessageRecord {
  return testMessage({ id: 'a1', role: 'assistant', reasoning: 'Gross profit = 5,829 - 5,735 = 104.', answer: '\\boxed{104}', ...partial });
}

function fakeApi(handlers: Record<string, (input: never) => unknown>) {
  const call = vi.fn(async (method: string, input: unknown) => {
    const handler = handlers[method];
    if (!handler) throw new AppError('NOT_FOUND', `no fake for ${method}`);
    return handler(input as never);
  });
  return { api: { call, stream: vi.fn() } as unknown as ApiClient, call };
}

const checked = (messageId: string) => ({ messageId, input: { question: 'q', reasoning: 'r', answer: 'a' }, result });

describe('inspector store', () => {
  it('checks a saved answer once per version, again when it changes', async () => {
    const { api, call } = fakeApi({ 'trace.checkMessage': ({ messageId }: { messageId: string }) => checked(messageId) });
    const store = createInspectorStore({ api, save: vi.fn() });
    const message = answer();
    await store.getState().ensureCheck(message);
    await store.getState().ensureCheck(message);
    expect(call).toHaveBeenCalledTimes(1);
    expect(store.getState().checks.a1).toMatchObject({ status: 'ready', key: checkKey(message) });
    expect(store.getState().checks.a1!.data!.result.errors).toBe(1);

    await store.getState().ensureCheck({ ...message, updatedAt: 2, reasoning: `${message.reasoning} More.` });
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('needs no request for an answer seeded from its stream', async () => {
    const { api, call } = fakeApi({});
    const store = createInspectorStore({ api, save: vi.fn() });
    const message = answer();
    store.getState().seedCheck(message, 'Gross margin?', result);
    await store.getState().ensureCheck(message);
    expect(call).not.toHaveBeenCalled();
    expect(store.getState().checks.a1!.data).toEqual({ messageId: 'a1', input: { question: 'Gross margin?', reasoning: message.reasoning, answer: message.answer }, result });
  });

  it('keeps a failed check as an error, retried on demand', async () => {
    let fail = true;
    const { api } = fakeApi({
      'trace.checkMessage': ({ messageId }: { messageId: string }) => {
        if (fail) throw new AppError('NOT_FOUND', 'gone');
        return checked(messageId);
      },
    });
    const store = createInspectorStore({ api, save: vi.fn() });
    await store.getState().ensureCheck(answer());
    expect(store.getState().checks.a1).toMatchObject({ status: 'error', error: { code: 'NOT_FOUND' } });
    fail = false;
    await store.getState().ensureCheck(answer());
    expect(store.getState().checks.a1!.status).toBe('ready');
  });

  it('shows the latest comparison asked for, and none once closed', async () => {
    const pending: ((value: unknown) => void)[] = [];
    const api = { call: vi.fn(() => new Promise((resolve) => pending.push(resolve))), stream: vi.fn() } as unknown as ApiClient;
    const store = createInspectorStore({ api, save: vi.fn() });
    const first = store.getState().openCompare('a1', 'a2');
    const second = store.getState().openCompare('a1', 'a3');
    pending[1]!({ leftMessageId: 'a1', rightMessageId: 'a3' });
    pending[0]!({ leftMessageId: 'a1', rightMessageId: 'a2' });
    await Promise.all([first, second]);
    expect(store.getState().comparison).toMatchObject({ leftId: 'a1', rightId: 'a3', status: 'ready', data: { rightMessageId: 'a3' } });
    store.getState().closeCompare();
    expect(store.getState().comparison).toBeNull();
  });

  it('exports in the UI language and saves the file', async () => {
    const { api, call } = fakeApi({ 'trace.export': () => ({ fileName: 'trace-2026-01-01-margin', markdown: '# Trace', json: '{}' }) });
    const save = vi.fn();
    const store = createInspectorStore({ api, save });
    expect(await store.getState().exportTrace('a1', 'markdown', 'zh-CN')).toBe(true);
    expect(call).toHaveBeenCalledWith('trace.export', { messageId: 'a1', locale: 'zh-CN' });
    expect(save).toHaveBeenCalledWith('trace-2026-01-01-margin.md', '# Trace', 'text/markdown');
    await store.getState().exportTrace('a1', 'json', 'en');
    expect(save).toHaveBeenLastCalledWith('trace-2026-01-01-margin.json', '{}', 'application/json');
    expect(store.getState().exporting).toBeNull();
  });

  it('reports a failed export on the message', async () => {
    const { api } = fakeApi({});
    const store = createInspectorStore({ api, save: vi.fn() });
    expect(await store.getState().exportTrace('a1', 'json', 'en')).toBe(false);
    expect(store.getState().exportError).toMatchObject({ messageId: 'a1', error: { code: 'NOT_FOUND' } });
  });
});
