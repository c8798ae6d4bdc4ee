/**
 * GRPO in the real renderer through the real `dianjin serve`: the tab shows DianJin-R1's defaults, the reward editor
 * and the estimate of memory and time (an absurd context will not fit and holds Start); then GRPO on the tiny
 * generated model (group 4, 3 steps, 8 tokens an answer, chat prompts, a 128-token context): the reward charts get
 * their points, a group's sampled answer opens in the reasoning inspector, the job completes, the same data is
 * exported for verl, and the adapter is offered for the chat and the comparison with its base and loads in the chat.
 * The training part skips when the native trainer is not built (`npm run build:trainer`).
 *
 * DIANJIN_TRAIN_SHOTS=DIR also saves screenshots of the tab (light/dark, en/zh-CN) there.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { apiCall, expect, shootTrainingView, test, trainerPath, waitForModelReady } from './fixtures';

const questions = [
  { question: 'What is 12% of 250?', answer: '30', task: 'finqa' },
  { question: '营业收入1,400万元，营业利润210万元，营业利润率是多少？', answer: '15%', task: 'finqa' },
  { question: 'Is a current ratio of 2.1 above 1.5? Answer yes or no.', answer: 'yes', task: 'open' },
];
const questionsJsonl = questions.map((q) => JSON.stringify(q)).join('\n') + '\n';

async function openGrpoTab(page: Page) {
  await page.getByTestId('training-link').click();
  await expect(page.getByTestId('training-view')).toBeVisible();
  // The radio is hidden under its tab: the tab is what a user clicks.
  await page.locator('.train-method label', { hasText: 'GRPO' }).click();
  await expect(page.getByRole('radio', { name: 'GRPO', exact: true })).toBeChecked();
  await expect(page.getByTestId('grpo-settings')).toBeVisible();
}

/** Screenshots in light/English and dark/Chinese. */
const shoot = (page: Page, name: string) => shootTrainingView(page, `grpo-${name}`, { height: 3200, ready: 'grpo-settings', looks: [['light', 'en'], ['dark', 'zh-CN']] });

test('the GRPO tab: DianJin-R1’s defaults, Start waits for a file, the reward editor adds and checks its rewards', async ({ page, serve }) => {
  await apiCall(serve, 'settings.update', { load: { threads: 1 }, language: 'en' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(serve.url);
  await waitForModelReady(page);
  await openGrpoTab(page);
  const settings = page.getByTestId('grpo-settings');
  await expect(settings.getByTestId('grpo-model')).not.toHaveValue('');
  await expect(settings.getByLabel('Group size', { exact: true })).toHaveValue('8');
  await expect(settings.getByLabel('Temperature', { exact: true })).toHaveValue('0.6');
  await expect(settings.getByLabel('Top-p', { exact: true })).toHaveValue('0.95');
  await expect(settings.getByLabel('KL penalty (β)', { exact: true })).toHaveValue('0.001');
  await expect(settings.getByTestId('grpo-init-adapter')).toHaveValue('');
  await expect(settings.getByTestId('grpo-start')).toBeDisabled();
  await expect(settings.getByTestId('grpo-start-blocked')).toHaveText('Choose a file of questions.');

  await page.getByTestId('grpo-file-input').setInputFiles({ name: 'grpo.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(questionsJsonl) });
  await expect(settings.getByTestId('grpo-file-name')).toHaveText('grpo.jsonl');
  await expect(settings.getByTestId('grpo-start')).toBeEnabled();

  // A JSON-schema reward with text that is not JSON holds Start until it is fixed; removing it frees Start.
  await settings.getByTestId('grpo-add-reward-jsonSchema').click();
  const reward = settings.getByTestId('grpo-custom-reward');
  await expect(reward).toHaveAttribute('data-kind', 'jsonSchema');
  await reward.getByLabel('JSON schema', { exact: true }).fill('{ not json');
  await expect(reward.getByLabel('JSON schema', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(settings.getByTestId('grpo-start-blocked')).toHaveText('Fix the settings marked in red.');
  await settings.getByRole('button', { name: 'Remove reward 1 (JSON schema)' }).click();
  await expect(reward).toHaveCount(0);
  await expect(settings.getByTestId('grpo-start')).toBeEnabled();

  // The estimate for this machine: the trainer's and the rollout process's memory, and the time.
  const estimate = settings.getByTestId('grpo-estimate');
  await expect(estimate).toHaveAttribute('data-fits', 'true', { timeout: 60_000 });
  await expect(estimate.getByTestId('grpo-estimate-memory')).toHaveText(/^\d[\d.,]* [KMGT]?i?B of \d[\d.,]* [KMGT]?i?B$/);
  await expect(estimate.getByTestId('grpo-estimate-time')).toHaveText(/\d/);
  await estimate.getByText('Where the memory goes').click();
  await expect(estimate).toContainText('Rollout KV cache (8 × ');
  // Answers of 16,384 tokens packed three to a 65,536-token micro-batch, 64 to a group: refused with what to change, Start held.
  await settings.getByLabel('Group size', { exact: true }).fill('64');
  await settings.getByLabel('Max tokens per answer', { exact: true }).fill('16384');
  await settings.getByLabel('Context length', { exact: true }).fill('65536');
  await expect(estimate).toHaveAttribute('data-fits', 'false', { timeout: 60_000 });
  await expect(estimate.getByTestId('grpo-wont-fit')).toContainText('Will not fit');
  await expect(estimate.getByTestId('grpo-wont-fit').locator('li').first()).toContainText('Lower the ');
  await expect(settings.getByTestId('grpo-start')).toBeDisabled();
  await expect(settings.getByTestId('grpo-start-blocked')).toContainText('will not fit');
  await settings.getByRole('button', { name: 'DianJin-R1 defaults' }).click();
  await expect(estimate).toHaveAttribute('data-fits', 'true', { timeout: 60_000 });
  await expect(settings.getByTestId('grpo-start')).toBeEnabled();
  // An out-of-range group size is marked with its bounds.
  await settings.getByLabel('Group size', { exact: true }).fill('1');
  await expect(settings.getByLabel('Group size', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(settings).toContainText('Between 2 and 64.');
  await expect(settings.getByTestId('grpo-start')).toBeDisabled();
  await shoot(page, 'settings');
  // Leaving the view drops the typed text: back in the tab the field shows the kept value, and Start is free again.
  await settings.getByTestId('grpo-add-reward-jsonSchema').click();
  await settings.getByTestId('grpo-custom-reward').getByLabel('JSON schema', { exact: true }).fill('{ not json');
  await page.getByTestId('models-link').click();
  await openGrpoTab(page);
  await expect(settings.getByLabel('Group size', { exact: true })).toHaveValue('8');
  await expect(settings.getByTestId('grpo-custom-reward').getByLabel('JSON schema', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(settings.getByTestId('grpo-start')).toBeEnabled();
});

test('GRPO on the tiny model: the reward charts fill, a sampled answer opens in the inspector, the job completes, exports for verl, and its adapter loads in the chat', async ({ page, serve }) => {
  test.skip(!existsSync(trainerPath), `The native trainer is not built (${trainerPath}); run \`npm run build:trainer\`.`);
  test.setTimeout(360_000);
  await apiCall(serve, 'settings.update', { load: { threads: 1 }, language: 'en' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(serve.url);
  await waitForModelReady(page);
  await openGrpoTab(page);
  const view = page.getByTestId('training-view');
  const settings = view.getByTestId('grpo-settings');
  await page.getByTestId('grpo-file-input').setInputFiles({ name: 'grpo.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(questionsJsonl) });
  await expect(settings.getByTestId('grpo-file-name')).toHaveText('grpo.jsonl');

  // A short job: group 4, 3 steps, 8 tokens an answer, the bare question, a 128-token context.
  await settings.getByLabel('Group size', { exact: true }).fill('4');
  await settings.getByLabel('Steps', { exact: true }).fill('3');
  await settings.getByLabel('Max tokens per answer', { exact: true }).fill('8');
  await settings.getByLabel('Context length', { exact: true }).fill('128');
  await settings.getByLabel('Prompt style', { exact: true }).selectOption('chat');
  await settings.getByLabel('Job name', { exact: true }).fill('tiny grpo e2e');
  // A reward the tiny model can earn: its answer starting with a token.
  await settings.getByTestId('grpo-add-reward-answerStartsWith').click();
  await settings.getByTestId('grpo-custom-reward').getByLabel('The answer starts with', { exact: true }).fill('the');
  await settings.getByRole('button', { name: 'Start GRPO' }).click();

  const job = view.getByTestId('grpo-job').filter({ hasText: 'tiny grpo e2e' });
  await expect(job).toHaveCount(1);
  await expect(job.getByRole('progressbar', { name: 'Progress of tiny grpo e2e' })).toBeAttached();
  await expect(job.getByTestId('grpo-job-progress')).toHaveAttribute('data-total', '3');
  const detail = view.getByTestId('grpo-detail');
  await expect(detail.getByRole('heading', { name: 'tiny grpo e2e' })).toBeVisible();

  // The charts draw as the steps arrive (the chart library loads as its own chunk).
  const charts = detail.getByTestId('grpo-charts');
  await expect(charts).toBeVisible({ timeout: 240_000 });
  await expect(detail.getByTestId('grpo-chart-reward').locator('.recharts-line-curve').first()).toBeAttached();
  await expect(detail.getByTestId('grpo-chart-parts').locator('.recharts-line')).toHaveCount(2);
  await expect(detail.getByTestId('grpo-chart-reward').getByRole('img', { name: /^Line chart of the mean reward over \d+ steps/ })).toBeVisible();
  // The group of sampled answers: 4 for each question of the step.
  const groups = detail.getByTestId('grpo-groups');
  await expect(groups.getByTestId('grpo-group').first().getByTestId('grpo-sample')).toHaveCount(4);
  await shoot(page, 'running');

  await expect(job).toHaveAttribute('data-status', 'complete', { timeout: 300_000 });
  await expect(job.getByTestId('grpo-job-progress')).toHaveAttribute('data-step', '3');
  await expect(charts).toHaveAttribute('data-points', '3');
  await expect(job.getByTestId('grpo-job-reward')).toContainText('reward');
  await expect(detail.getByTestId('grpo-adapter-path')).toHaveText(/\.gguf$/);

  // ── A sampled answer in the reasoning inspector: its reward and the inspector's check.
  await groups.getByRole('button', { name: 'Inspect answer 1 of question 1' }).click();
  const inspector = page.getByTestId('grpo-sample-inspector');
  await expect(inspector).toBeVisible();
  await expect(inspector).toHaveAttribute('role', 'dialog');
  await expect(inspector).toHaveAttribute('data-status', 'ready');
  await expect(inspector.getByTestId('grpo-sample-reward')).toHaveText(/^-?\d/);
  await expect(inspector.getByTestId('inspector-panel')).toBeVisible();
  // The dialog covers the view (no theme or language switch behind it): one shot as it is.
  const shotsDir = process.env.DIANJIN_TRAIN_SHOTS;
  if (shotsDir) await page.screenshot({ path: path.join(shotsDir, 'grpo-inspector-light-en.png') });
  await inspector.getByTestId('grpo-sample-close').click();
  await expect(inspector).toHaveCount(0);
  await shoot(page, 'complete');

  // ── The same data for verl, in a folder on the server's machine.
  const outDir = path.join(serve.dataDir, 'verl-job');
  const exportSection = view.getByTestId('grpo-export');
  await expect(exportSection.getByTestId('grpo-export-data')).toHaveText(/\.jsonl$/);
  await exportSection.getByLabel('Folder to write', { exact: true }).fill(outDir);
  await exportSection.getByRole('button', { name: 'Export for verl (GRPO)' }).click();
  const result = exportSection.getByTestId('grpo-export-result');
  await expect(result).toContainText('3 items');
  await expect(result).toContainText(outDir);
  expect(readdirSync(outDir).length).toBeGreaterThan(0);

  // ── The adapter, as an SFT job's: offered for the chat and against its base; "Use in chat" loads it with the base.
  const adapter = detail.getByTestId('grpo-result');
  await expect(adapter.getByRole('button', { name: 'Evaluate against the base' })).toBeEnabled();
  const adapterPath = (await adapter.getByTestId('grpo-adapter-path').textContent())!.trim();
  await adapter.getByRole('button', { name: 'Use in chat' }).click();
  await expect(page.locator('main.view')).toHaveAttribute('data-view', 'chat');
  const saved = await apiCall<{ load: { lora: { path: string; scale: number } | null } }>(serve, 'settings.get');
  expect(saved.load.lora).toEqual({ path: adapterPath, scale: 1 });
  await expect
    .poll(async () => (await apiCall<{ model: { lora?: { path: string } | null } | null }>(serve, 'inference.status')).model?.lora?.path ?? null, { timeout: 60_000 })
    .toBe(adapterPath);
  await waitForModelReady(page);
});
