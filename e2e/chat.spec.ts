/**
 * The real renderer in Chromium through the real `dianjin serve` (real inference process with a generated tiny
 * model, real SQLite). The model answers gibberish: these tests check mechanics, never words.
 */
import { apiCall, expect, startServe, stopServe, test, waitForModelReady } from './fixtures';

test.describe('asking a question in the browser', () => {
  test('ask, stream, stop, reload: the conversation is still there', async ({ page, serve }) => {
    // Long enough to be stopped mid-answer.
    await apiCall(serve, 'settings.update', { sampling: { maxTokens: 4000 }, load: { threads: 1 } });
    await page.goto(serve.url);
    // The token is dropped from the address bar once read.
    await expect(page).not.toHaveURL(/token=/);
    await waitForModelReady(page);

    const question = 'What was the operating margin? 营业利润率是多少？';
    await page.getByTestId('composer-input').fill(question);
    await page.keyboard.press('Enter');
    const assistant = page.getByTestId('message-assistant').last();
    await expect(assistant).toHaveAttribute('data-status', 'streaming');
    // Reasoning streams in its own panel (the test model's template opens <think>).
    await expect(assistant.getByTestId('reasoning-text')).not.toBeEmpty();
    await page.getByTestId('stop-button').click();
    await expect(assistant).toHaveAttribute('data-status', 'stopped');
    const messageId = await assistant.getAttribute('data-message-id');
    const partial = await assistant.getByTestId('reasoning-text').innerText();
    expect(partial.length).toBeGreaterThan(0);

    await page.reload();
    await waitForModelReady(page);
    const item = page.getByTestId('conversation-item').first();
    await expect(item).toBeVisible();
    await item.click();
    await expect(page.getByTestId('message-user').first()).toContainText(question);
    const reloaded = page.locator(`[data-testid="message-assistant"][data-message-id="${messageId}"]`);
    await expect(reloaded).toHaveAttribute('data-status', 'stopped');
  });

  test('a finished answer shows its reasoning panel, answer area and stats', async ({ page, serve }) => {
    await apiCall(serve, 'settings.update', { sampling: { maxTokens: 32 }, load: { threads: 1 } });
    await page.goto(serve.url);
    await waitForModelReady(page);
    await page.getByTestId('composer-input').fill('Net income / revenue?');
    await page.getByTestId('send-button').click();
    const assistant = page.getByTestId('message-assistant').last();
    await expect(assistant).toHaveAttribute('data-status', 'complete');
    await expect(assistant.getByTestId('message-stats')).toContainText(/tok/);
    // Collapsed when done; the toggle opens it.
    const toggle = assistant.getByTestId('reasoning-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(assistant.getByTestId('reasoning-text')).toBeVisible();
  });

  test('a crash of the inference process mid-answer keeps the partial answer and recovers', async ({ page, serve }) => {
    await apiCall(serve, 'settings.update', { sampling: { maxTokens: 4000 }, load: { threads: 1 } });
    await page.goto(serve.url);
    await waitForModelReady(page);
    await page.getByTestId('composer-input').fill('Compute the return on equity.');
    await page.keyboard.press('Enter');
    const assistant = page.getByTestId('message-assistant').last();
    await expect(assistant.getByTestId('reasoning-text')).not.toBeEmpty();
    const { pid } = await apiCall<{ pid: number }>(serve, 'inference.status');
    process.kill(pid, 'SIGKILL');

    await expect(assistant).toHaveAttribute('data-status', 'interrupted');
    await expect(page.getByTestId('notice')).toBeVisible();
    expect((await assistant.getByTestId('reasoning-text').innerText()).length).toBeGreaterThan(0);
    // Restarted automatically with the same model; the next question works.
    await waitForModelReady(page);
    const status = await apiCall<{ pid: number; restarts: number }>(serve, 'inference.status');
    expect(status.pid).not.toBe(pid);
    expect(status.restarts).toBe(1);
    await apiCall(serve, 'settings.update', { sampling: { maxTokens: 16 } });
    await page.getByTestId('composer-input').fill('Try again.');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('message-assistant').last()).toHaveAttribute('data-status', 'complete');
    // And the interrupted answer is still in the conversation after a reload.
    await page.reload();
    await page.getByTestId('conversation-item').first().click();
    await expect(page.locator('[data-testid="message-assistant"][data-status="interrupted"]')).toHaveCount(1);
  });

  test('conversations can be renamed and deleted', async ({ page, serve }) => {
    await apiCall(serve, 'settings.update', { sampling: { maxTokens: 8 }, load: { threads: 1 } });
    await page.goto(serve.url);
    await waitForModelReady(page);
    await page.getByTestId('composer-input').fill('First question');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('message-assistant').last()).toHaveAttribute('data-status', 'complete');
    const item = page.getByTestId('conversation-item').first();
    await item.hover();
    await item.getByTestId('conversation-rename').click();
    const input = page.getByTestId('conversation-rename-input');
    await input.fill('利润表分析');
    await input.press('Enter');
    await expect(item).toContainText('利润表分析');
    const list = await apiCall<{ title: string }[]>(serve, 'chat.list');
    expect(list[0]?.title).toBe('利润表分析');
    await item.hover();
    await item.getByTestId('conversation-delete').click();
    await page.getByTestId('conversation-delete-confirm').click();
    await expect(page.getByTestId('conversation-item')).toHaveCount(0);
    expect(await apiCall<unknown[]>(serve, 'chat.list')).toHaveLength(0);
  });
});

test.describe('first run and bad input', () => {
  test('with no model the app says so and offers to open one, never a blank screen', async ({ page, dataDir }) => {
    const serve = await startServe({ dataDir, model: null });
    try {
      await page.goto(serve.url);
      const empty = page.getByTestId('empty-state');
      await expect(empty).toBeVisible();
      await expect(empty).toContainText(/model/i);
      await expect(page.getByTestId('model-status')).not.toHaveAttribute('data-state', 'ready');
      // Asking anyway gets a clear error, and the question is not lost.
      await page.getByTestId('composer-input').fill('Anything');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('error-message')).toBeVisible();
      await expect(page.getByTestId('composer-input')).toHaveValue('Anything');
    } finally {
      await stopServe(serve);
    }
  });

  test('a bad model path gets a specific message', async ({ page, dataDir }) => {
    const serve = await startServe({ dataDir, model: null });
    try {
      await page.goto(serve.url);
      await page.getByTestId('empty-state').getByRole('button', { name: /model library|模型库/i }).click();
      await page.getByTestId('model-path-input').first().fill('/no/such/model.gguf');
      await page.getByTestId('model-path-submit').first().click();
      await expect(page.getByTestId('error-message').first()).toContainText(/No file|找不到|not found|不存在/i);
    } finally {
      await stopServe(serve);
    }
  });

  test('opening the page without the token explains what to do', async ({ page, serve }) => {
    await page.goto(serve.url.replace(/\?token=.*/, ''));
    await expect(page.locator('body')).toContainText('dianjin serve');
  });
});

test.describe('languages and themes', () => {
  test('the UI switches to Chinese and to the dark theme from Settings', async ({ page, serve }) => {
    await page.goto(serve.url);
    await waitForModelReady(page);
    await apiCall(serve, 'settings.update', { language: 'zh-CN', theme: 'dark' });
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByTestId('composer-input')).toHaveAttribute('placeholder', /[\u4e00-\u9fff]/);
    await page.screenshot({ path: test.info().outputPath('zh-dark.png') });
  });
});
