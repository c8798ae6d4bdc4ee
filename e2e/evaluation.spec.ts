/**
 * Evaluation in the real renderer through the real `dianjin serve`: the bundled sample set is added from the empty
 * state, a run of 3 items on the tiny generated model shows its progress and finishes, the results show accuracy
 * per task with intervals (the tiny model answers gibberish: the mechanics are checked, never the score), an item
 * opens in the reasoning inspector, the comparison chart draws under the strict CSP, CSV export downloads, a
 * run of the whole set pauses after its first item and resumes to the end, and a dropped JSONL file becomes a set.
 */
import { readFileSync } from 'node:fs';
import { apiCall, expect, test, waitForModelReady } from './fixtures';

/** A finished item whose reasoning has a planted arithmetic error, for the inspector's checks in the drill-down. */
const plantedReasoning = ['营业收入为5,829万元，营业成本为5,735万元。', '毛利 = 5,829 - 5,735 = 104万元。', '毛利率 = 104 / 5,829 = 1.78%。'].join('\n\n');

test('add the sample set, run 3 items on the tiny model, read the results, inspect an item, compare, export CSV, pause and resume, import a dropped set', async ({ page, serve }) => {
  await apiCall(serve, 'settings.update', { load: { threads: 1 }, language: 'en' });
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(serve.url);
  await waitForModelReady(page);

  // ── Empty state → the sample set in one click.
  await page.getByTestId('evaluation-link').click();
  const view = page.getByTestId('evaluation-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('eval-sets-empty')).toBeVisible();
  await page.getByTestId('eval-sets-empty').getByRole('button', { name: 'Add sample set' }).click();
  const setRow = page.getByTestId('eval-set');
  await expect(setRow).toHaveCount(1);
  const itemCount = Number(await setRow.getByTestId('eval-set-count').textContent());
  expect(itemCount).toBeGreaterThanOrEqual(3);

  // Preview its items.
  await setRow.getByRole('button', { name: /Preview the items/ }).click();
  await expect(page.getByTestId('eval-set-item').first()).toBeVisible();
  await setRow.getByRole('button', { name: /Preview the items/ }).click();
  await expect(page.getByTestId('eval-set-preview')).toHaveCount(0);

  // ── A quick run: the loaded tiny model, the first 3 items, 24 tokens each.
  const form = page.getByTestId('eval-run-form');
  await expect(form.getByLabel('Set', { exact: true })).not.toHaveValue('');
  await expect(form.getByTestId('eval-target-model')).not.toHaveValue('');
  await form.getByLabel('Max tokens', { exact: true }).fill('24');
  await form.getByLabel('Which items').selectOption('limit');
  await form.getByLabel('N', { exact: true }).fill('3');
  await form.getByLabel('Label', { exact: true }).fill('tiny e2e');
  await form.getByRole('button', { name: 'Start run' }).click();

  const run = page.getByTestId('eval-run').filter({ hasText: 'tiny e2e' });
  await expect(run).toHaveCount(1);
  await expect(run.getByRole('progressbar', { name: 'Progress of tiny e2e' })).toBeVisible();
  await expect(run.getByTestId('eval-run-progress')).toHaveAttribute('data-total', '3');
  await expect(run).toHaveAttribute('data-status', 'complete', { timeout: 90_000 });
  await expect(run.getByTestId('eval-run-progress')).toHaveAttribute('data-done', '3');
  await expect(run.getByTestId('eval-run-progress')).toContainText('3 / 3');

  // ── Results: accuracy per task with a 95% interval, format rate, tokens and seconds per item, 3 rows.
  await run.getByRole('button', { name: 'Results' }).click();
  const results = page.getByTestId('eval-results');
  await expect(results).toHaveAttribute('data-status', 'complete');
  const overall = results.getByTestId('eval-score-overall');
  await expect(overall.getByTestId('eval-accuracy')).toHaveText(/^\d+\.\d%$/);
  await expect(overall.getByTestId('eval-ci')).toHaveText(/^\d+\.\d–\d+\.\d%$/);
  await expect(overall.getByTestId('eval-format-rate')).toHaveText(/^\d+\.\d%$/);
  await expect(results.getByTestId('eval-tokens-per-item')).toHaveText(/\d/);
  await expect(results.getByTestId('eval-seconds-per-item')).toHaveText(/\d/);
  const rows = results.getByTestId('eval-result-row');
  await expect(rows).toHaveCount(3);

  // Filters: "wrong only" never shows a correct row; a task filter narrows to that task.
  await results.getByLabel('Wrong only').check();
  await expect(results.locator('[data-testid="eval-result-row"][data-correct="true"]')).toHaveCount(0);
  await results.getByLabel('Wrong only').uncheck();
  await expect(rows).toHaveCount(3);

  // ── An item in the reasoning inspector (the real eval.result, then trace.check).
  const firstId = (await rows.first().getAttribute('data-item-id'))!;
  await rows.first().getByTestId('eval-result-open').click();
  const inspector = page.getByTestId('eval-item-inspector');
  await expect(inspector).toBeVisible();
  await expect(inspector.getByRole('heading', { name: `Item ${firstId}` })).toBeVisible();
  await expect(inspector).toHaveAttribute('data-status', 'ready');
  await expect(inspector.getByTestId('inspector-panel')).toBeVisible();
  await expect(inspector.getByTestId('eval-item-reference')).not.toBeEmpty();
  await page.keyboard.press('Escape');
  await expect(inspector).toHaveCount(0);

  // The drill-down shows the inspector's arithmetic checks: the same item with a planted error in its reasoning
  // (eval.result answered here; trace.check is the real one).
  await page.route('**/api/call/eval.result', async (route) => {
    const response = await route.fetch();
    const envelope = (await response.json()) as { ok: boolean; value: Record<string, unknown> };
    envelope.value = { ...envelope.value, question: '某公司2023年营业收入为5,829万元，营业成本为5,735万元。毛利率是多少？', context: null, reasoning: plantedReasoning, answer: '\\boxed{1.78%}' };
    await route.fulfill({ response, json: envelope });
  });
  await rows.first().getByTestId('eval-result-open').click();
  await expect(inspector.getByTestId('inspector-summary')).toHaveAttribute('data-errors', '1');
  await expect(inspector.locator('[data-testid="calc-check"][data-status="wrong"]')).toHaveCount(1);
  await expect(inspector.locator('[data-testid="calc-check"][data-status="wrong"]')).toContainText('94');
  await page.unroute('**/api/call/eval.result');
  await inspector.getByTestId('eval-item-close').click();

  // ── The comparison chart: the run beside the paper's figures, drawn as SVG bars.
  await run.getByLabel('Compare tiny e2e in the chart').check();
  const chart = page.getByTestId('eval-chart');
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeAttached();
  await chart.getByText('Figures as a table').click();
  const table = chart.getByTestId('eval-chart-table');
  await expect(table.locator('tr[data-kind="run"]')).toContainText('tiny e2e');
  await expect(table.locator('tr[data-kind="published"]').first()).toContainText('80.32%');

  // ── Export CSV: a Blob download named by the service.
  const downloadPromise = page.waitForEvent('download');
  await results.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines.length).toBeGreaterThanOrEqual(4);
  expect(csv).toContain(firstId);

  // ── Pause and resume: the whole set, paused after its first item (finished items kept), resumed to the end; then removed.
  await form.getByLabel('Which items').selectOption('all');
  await form.getByLabel('Max tokens', { exact: true }).fill('128');
  await form.getByLabel('Label', { exact: true }).fill('pause e2e');
  await form.getByRole('button', { name: 'Start run' }).click();
  const second = page.getByTestId('eval-run').filter({ hasText: 'pause e2e' });
  const progress = second.getByTestId('eval-run-progress');
  await expect(progress).toHaveAttribute('data-total', String(itemCount));
  await expect(progress).not.toHaveAttribute('data-done', '0', { timeout: 60_000 });
  await expect(second.getByTestId('eval-run-eta')).toContainText('left');
  await second.getByRole('button', { name: 'Pause' }).click();
  await expect(second).toHaveAttribute('data-status', 'paused');
  const doneAtPause = Number(await progress.getAttribute('data-done'));
  expect(doneAtPause).toBeGreaterThan(0);
  expect(doneAtPause).toBeLessThan(itemCount);
  await second.getByRole('button', { name: 'Resume' }).click();
  await expect(second).toHaveAttribute('data-status', 'complete', { timeout: 90_000 });
  await expect(progress).toHaveAttribute('data-done', String(itemCount));
  await second.getByRole('button', { name: 'Remove' }).click();
  await second.getByTestId('eval-run-remove-confirm').click();
  await expect(second).toHaveCount(0);
  await expect(page.getByTestId('eval-run')).toHaveCount(1);

  // ── The user's own set: a JSONL file dropped on the view is uploaded and imported under its file name.
  const own = ['{"id":"c1","task":"ccc","question":"客服向客户承诺“保本保收益”，是否合规？","reference":"违规"}', '{"id":"f1","task":"finqa","question":"Revenue 1,400, operating profit 210: operating margin?","reference":"15%"}'].join('\n');
  const dropped = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'my-set.jsonl', { type: 'application/x-ndjson' }));
    return transfer;
  }, own);
  await page.dispatchEvent('body', 'drop', { dataTransfer: dropped });
  const ownRow = page.getByTestId('eval-set').filter({ hasText: 'my-set' });
  await expect(ownRow.getByTestId('eval-set-count')).toHaveText('2');
  await expect(ownRow).toContainText('CCC 1');
  await expect(page.getByTestId('eval-set')).toHaveCount(2);

  expect(cspViolations).toEqual([]);
});
