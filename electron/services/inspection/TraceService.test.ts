/** The inspector over saved answers, through the API dispatcher and real SQLite (no model needed). */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/records';
import { createTestServices } from '../../testing/fixtures';

type Services = Awaited<ReturnType<typeof createTestServices>>;
let services: Services | null = null;
afterEach(async () => {
  await services?.cleanup();
  services = null;
});
const ctx = { signal: new AbortController().signal, host: 'cli' as const };

function saveAnswer(s: Services, conversationId: string, reasoning: string, answer: string) {
  const message = s.store.startAssistantMessage(conversationId, { modelPath: '/m.gguf', modelName: 'M', modelHash: null, backend: 'cpu', sampling: defaultSettings.sampling });
  return s.store.finishAssistantMessage(message.id, { status: 'complete', content: `${reasoning}</think>${answer}`, reasoning, answer });
}

describe('trace.* API methods', () => {
  it('checks a saved answer against its question, compares two answers and exports a review file', async () => {
    services = await createTestServices();
    const conversation = services.store.createConversation('');
    services.store.addUserMessage(conversation.id, 'Revenue was 5,829 and cost of sales 5,735. What is gross profit? 毛利是多少？');
    const wrong = saveAnswer(services, conversation.id, 'Gross profit = 5,829 - 5,735 = 104.\n\nMargin = 104 / 5,829 = 0.0178.', '\\boxed{104}');
    const right = saveAnswer(services, conversation.id, 'Gross profit = 5,829 - 5,735 = 94.\n\nMargin = 94 / 5,829 = 0.0161.', '\\boxed{94}');

    const checked = (await services.dispatcher.call('trace.checkMessage', { messageId: wrong.id }, ctx)) as { input: { question: string }; result: { errors: number; steps: { checks: { status: string; expected: string }[]; affected: boolean }[] } };
    expect(checked.input.question).toContain('5,829');
    expect(checked.result.errors).toBe(1);
    expect(checked.result.steps[0]!.checks[0]).toMatchObject({ status: 'wrong', expected: '94' });
    expect(checked.result.steps[1]!.affected).toBe(true);

    const comparison = (await services.dispatcher.call('trace.compare', { leftMessageId: wrong.id, rightMessageId: right.id }, ctx)) as { left: { errors: number }; right: { errors: number }; divergesAt: number | null };
    expect(comparison.left.errors).toBe(1);
    expect(comparison.right.errors).toBe(0);
    expect(comparison.divergesAt).toBe(0);

    const exported = (await services.dispatcher.call('trace.export', { messageId: wrong.id, locale: 'zh-CN' }, ctx)) as { fileName: string; markdown: string; json: string };
    expect(exported.fileName).toMatch(/^trace-\d{4}-\d{2}-\d{2}-Revenue/);
    expect(exported.markdown).toContain('94');
    expect(JSON.parse(exported.json).format).toBe('dianjin-trace-check/1');

    // Any trace, from any engine.
    const adhoc = (await services.dispatcher.call('trace.check', { reasoning: '利息 = 1,000 × 4.5% = 54' }, ctx)) as { errors: number };
    expect(adhoc.errors).toBe(1);
    await expect(services.dispatcher.call('trace.checkMessage', { messageId: services.store.getConversation(conversation.id).messages[0]!.id }, ctx)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
