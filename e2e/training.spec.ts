/**
 * Fine-tuning in the real renderer through the real `dianjin serve`: a bad JSONL file shows the translated refusal
 * with its line-numbered problems; a small DianJin-format file shows its preview with token counts and the estimate;
 * an absurd context length is refused with what to change (Start disabled); then SFT on the tiny generated model
 * for a few steps: the loss chart gets its points, the job completes, and the adapter is offered for the chat (which
 * loads it), and one click starts two evaluation runs (base, base + adapter) ticked for comparison. The training part
 * skips when the native trainer is not built (`npm run build:trainer`).
 *
 * DIANJIN_TRAIN_SHOTS=DIR also saves screenshots of the panel (light/dark, en/zh-CN) there.
 */
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { apiCall, expect, shootTrainingView, test, trainerPath, waitForModelReady } from './fixtures';

const examples = [
  { question: '营业收入1,400万元，营业利润210万元，营业利润率是多少？', reasoning: '营业利润率 = 210 / 1400 = 15%', answer: '15%' },
  { question: 'What is 12% of 250?', reasoning: '0.12 × 250 = 30', answer: '30' },
  { question: '净利润80万元，总资产1000万元，ROA是多少？', reasoning: 'ROA = 80 / 1000 = 8%', answer: '\\boxed{8\\%}' },
  { question: 'Revenue 500, cost 350: what is the gross margin?', reasoning: '(500 - 350) / 500 = 30%', answer: '30%', context: 'FY2024, in millions of dollars.' },
];
const goodJsonl = examples.map((e) => JSON.stringify(e)).join('\n') + '\n';
const badJsonl = 'this is not json\n{"question":"What is 2+2?","answer":""}\n';

async function chooseTrainingFile(page: Page, name: string, text: string) {
  await page.getByTestId('train-file-input').setInputFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
}

/** Screenshots in both themes and both languages. */
const shoot = (page: Page, name: string) =>
  shootTrainingView(page, name, { height: 2400, ready: 'training-view', looks: [['light', 'en'], ['dark', 'zh-CN'], ['dark', 'en'], ['light', 'zh-CN']] });

test('a bad file is refused line by line; a good one shows its preview and the estimate; an absurd context will not fit', async ({ page, serve }) => {
  await apiCall(serve, 'settings.update', { load: { threads: 1 }, language: 'en' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(serve.url);
  await waitForModelReady(page);
  await page.getByTestId('training-link').click();
  const view = page.getByTestId('training-view');
  await expect(view.getByRole('heading', { name: 'Fine-tuning' })).toBeVisible();
  await expect(view.getByTestId('train-model')).not.toHaveValue('');
  // SFT is the method shown first; GRPO is the other tab.
  await expect(view.getByRole('radio', { name: 'SFT', exact: true })).toBeChecked();
  await expect(view.getByRole('radio', { name: 'GRPO', exact: true })).toBeEnabled();
  await expect(view.getByTestId('train-start')).toBeDisabled();
  await expect(view.getByTestId('train-start-blocked')).toHaveText('Choose a training set.');

  // ── A file with nothing usable: the refusal translated by its code, with each bad line by number.
  await chooseTrainingFile(page, 'bad.jsonl', badJsonl);
  const preview = view.getByTestId('train-preview');
  await expect(preview).toHaveAttribute('data-status', 'error');
  await expect(preview.getByTestId('error-message')).toHaveAttribute('data-code', 'TRAIN_DATA_INVALID');
  await expect(preview.getByTestId('error-message')).toContainText('This training data has no usable example');
  const problems = preview.getByTestId('train-preview-errors');
  await expect(problems).toContainText('Line 1: not JSON');
  await expect(problems).toContainText('Line 2: empty answer');
  await expect(view.getByTestId('train-start')).toBeDisabled();

  // ── A good file: its examples with token counts, and the estimate for this machine.
  await chooseTrainingFile(page, 'dianjin-sft.jsonl', goodJsonl);
  await expect(view.getByTestId('train-file-name')).toHaveText('dianjin-sft.jsonl');
  await expect(preview).toHaveAttribute('data-status', 'ready');
  await expect(preview.getByTestId('train-preview-items')).toHaveText('4');
  await expect(preview.getByTestId('train-preview-usable')).toHaveText('4');
  await expect(preview.getByTestId('train-preview-item')).toHaveCount(4);
  await expect(preview.getByTestId('train-preview-item').first()).toContainText('营业收入1,400万元');
  expect(Number((await preview.getByTestId('train-preview-tokens').textContent())!.replace(/,/g, ''))).toBeGreaterThan(20);
  const estimate = view.getByTestId('train-estimate');
  await expect(estimate).toHaveAttribute('data-fits', 'true');
  await expect(estimate.getByTestId('train-estimate-memory')).toContainText(' of ');
  await expect(estimate.getByTestId('train-estimate-time')).toHaveText(/\d/);
  await expect(view.getByTestId('train-start')).toBeEnabled();
  await shoot(page, 'preview');

  // ── An absurd context length: refused with what to change, Start disabled with the reason.
  await view.getByLabel('Context length', { exact: true }).fill('131072');
  await expect(estimate).toHaveAttribute('data-fits', 'false', { timeout: 60_000 });
  await expect(estimate.getByTestId('train-wont-fit')).toContainText('Will not fit');
  await expect(estimate.getByTestId('train-wont-fit').locator('li').first()).toContainText('Lower the context length');
  await expect(view.getByTestId('train-start')).toBeDisabled();
  await expect(view.getByTestId('train-start-blocked')).toContainText('will not fit');
  // The examples still fit such a context: the preview says so.
  await expect(preview).toHaveAttribute('data-status', 'ready');
  await expect(preview.getByTestId('train-preview-usable')).toHaveText('4');
  await shoot(page, 'wont-fit');

  // A value out of range is marked and holds Start too.
  await view.getByLabel('Context length', { exact: true }).fill('10');
  await expect(view.getByLabel('Context length', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(view.getByTestId('train-start-blocked')).toHaveText('Fix the settings marked in red.');
});

test('SFT on the tiny model: the loss chart fills, the job completes, the adapter loads in the chat and is evaluated against its base', async ({ page, serve }) => {
  test.skip(!existsSync(trainerPath), `The native trainer is not built (${trainerPath}); run \`npm run build:trainer\`.`);
  test.setTimeout(300_000);
  await apiCall(serve, 'settings.update', { load: { threads: 1 }, language: 'en' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(serve.url);
  await waitForModelReady(page);
  await page.getByTestId('training-link').click();
  const view = page.getByTestId('training-view');
  await chooseTrainingFile(page, 'dianjin-sft.jsonl', goodJsonl);
  await expect(view.getByTestId('train-preview')).toHaveAttribute('data-status', 'ready');

  // A short job: 12 steps at a 256-token context, a quick learning rate.
  await view.getByLabel('Context length', { exact: true }).fill('256');
  await view.getByLabel('Steps', { exact: true }).fill('12');
  await view.getByLabel('Learning rate', { exact: true }).fill('0.003');
  await view.getByLabel('Job name', { exact: true }).fill('tiny sft e2e');
  await expect(view.getByTestId('train-preview')).toHaveAttribute('data-status', 'ready');
  await expect(view.getByTestId('train-preview-usable')).toHaveText('4');
  await expect(view.getByTestId('train-estimate')).toHaveAttribute('data-fits', 'true');
  await view.getByRole('button', { name: 'Start training' }).click();

  const job = view.getByTestId('train-job').filter({ hasText: 'tiny sft e2e' });
  await expect(job).toHaveCount(1);
  await expect(job.getByRole('progressbar', { name: 'Progress of tiny sft e2e' })).toBeAttached();
  const detail = view.getByTestId('train-detail');
  await expect(detail.getByRole('heading', { name: 'tiny sft e2e' })).toBeVisible();
  // The chart draws as the steps arrive (the chart library loads as its own chunk).
  const charts = detail.getByTestId('train-charts');
  await expect(charts).toBeVisible({ timeout: 120_000 });
  await expect(detail.getByTestId('train-chart-loss').locator('.recharts-line-curve').first()).toBeAttached();
  await expect(job.getByTestId('train-job-progress')).toHaveAttribute('data-total', '12');
  await shoot(page, 'running');

  await expect(job).toHaveAttribute('data-status', 'complete', { timeout: 240_000 });
  await expect(job.getByTestId('train-job-progress')).toHaveAttribute('data-step', '12');
  await expect(job.getByTestId('train-job-progress')).toContainText('step 12 / 12');
  await expect(charts).toHaveAttribute('data-points', '12');
  await expect(job.getByTestId('train-job-loss')).toContainText('→');

  // ── The result: the adapter path, offered for the chat.
  const result = detail.getByTestId('train-result');
  await expect(result).toBeVisible();
  const adapterPath = (await result.getByTestId('train-adapter-path').textContent())!.trim();
  expect(adapterPath).toMatch(/\.gguf$/);
  await shoot(page, 'complete');
  await result.getByRole('button', { name: 'Use in chat' }).click();
  await expect(page.locator('main.view')).toHaveAttribute('data-view', 'chat');
  const settings = await apiCall<{ load: { lora: { path: string; scale: number } | null } }>(serve, 'settings.get');
  expect(settings.load.lora).toEqual({ path: adapterPath, scale: 1 });
  await expect
    .poll(async () => (await apiCall<{ model: { lora?: { path: string } | null } | null }>(serve, 'inference.status')).model?.lora?.path ?? null, { timeout: 60_000 })
    .toBe(adapterPath);
  await waitForModelReady(page);

  // ── Evaluate against the base: two runs of the sample set (added for it), ticked side by side in the evaluation view.
  await page.getByTestId('training-link').click();
  await view.getByTestId('train-result').getByRole('button', { name: 'Evaluate against the base' }).click();
  await expect(page.getByTestId('evaluation-view')).toBeVisible();
  const runs = page.getByTestId('eval-run');
  await expect(runs).toHaveCount(2);
  await expect(page.getByLabel('Compare tiny sft e2e in the chart')).toBeChecked();
  await expect(page.getByLabel(/^Compare .* \(base\) in the chart$/)).toBeChecked();
});
