/**
 * The reasoning inspector in the real renderer: a saved conversation whose answer has a planted arithmetic error
 * (written into the real SQLite store before `dianjin serve` starts) is flagged in the UI.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Store } from '../electron/services/store';
import { defaultSettings } from '../electron/shared/records';
import { expect, startServe, stopServe, test } from './fixtures';

const question = '某公司2023年营业收入为5,829万元，营业成本为5,735万元。毛利是多少？毛利率是多少？';
const reasoning = [
  '首先，根据题目，营业收入为5,829万元，营业成本为5,735万元。',
  '毛利 = 5,829 - 5,735 = 104万元。',
  '毛利率 = 104 / 5,829 = 1.78%。',
  '因此，毛利为104万元。',
].join('\n\n');

function plantConversation(dataDir: string): string {
  const store = Store.open(path.join(dataDir, 'workbench.sqlite3'));
  try {
    const conversation = store.createConversation('');
    store.addUserMessage(conversation.id, question);
    const started = store.startAssistantMessage(conversation.id, { modelPath: '/models/dianjin-r1-7b-Q4_K_M.gguf', modelName: 'DianJin-R1-7B', modelHash: null, backend: 'cpu', sampling: defaultSettings.sampling });
    const answer = '毛利为\\boxed{104万元}';
    store.finishAssistantMessage(started.id, { status: 'complete', content: `${reasoning}\n</think>\n<answer>${answer}</answer>`, reasoning, answer, promptTokens: 60, completionTokens: 120 });
    return started.id;
  } finally {
    store.close();
  }
}

test('a planted arithmetic error is flagged at its origin, later steps marked affected, and the trace exports', async ({ page, dataDir }) => {
  const messageId = plantConversation(dataDir);
  const serve = await startServe({ dataDir, model: null });
  try {
    await page.goto(serve.url);
    await page.getByTestId('conversation-item').first().click();
    const message = page.locator(`[data-testid="message-assistant"][data-message-id="${messageId}"]`);
    await expect(message.getByTestId('inspector-badge')).toBeVisible();

    await message.getByTestId('inspector-toggle').click();
    const panel = message.getByTestId('inspector-panel');
    await expect(panel.getByTestId('inspector-summary')).toHaveAttribute('data-errors', '1');
    const wrong = panel.locator('[data-testid="calc-check"][data-status="wrong"]');
    await expect(wrong).toHaveCount(1);
    await expect(wrong).toContainText('94');
    await expect(panel.locator('[data-testid="trace-step"][data-has-error="true"]')).toHaveCount(1);
    await expect(panel.locator('[data-testid="trace-step"][data-affected="true"]').first()).toBeVisible();
    // Numbers are traced to the question.
    await expect(panel.locator('[data-testid="trace-number"][data-source-kind="question"]').first()).toBeVisible();

    const download = page.waitForEvent('download');
    await panel.getByTestId('export-markdown').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.md$/);
    const saved = await file.path();
    expect(readFileSync(saved!, 'utf8')).toContain('94');
    await page.screenshot({ path: test.info().outputPath('inspector.png'), fullPage: true });
  } finally {
    await stopServe(serve);
  }
});
