/** The model library: the catalog with fit estimates, and importing a GGUF by path. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, startServe, stopServe, test, testModelPath, type ServeInfo } from './fixtures';

test.describe('model library', () => {
  let serve: ServeInfo | null = null;
  test.afterEach(async () => {
    if (serve) await stopServe(serve);
    serve = null;
  });

  test('shows catalog entries with fit badges and imports a GGUF by path', async ({ page, dataDir }) => {
    // No model selected, so the imported file is listed only because it was imported.
    serve = await startServe({ dataDir, model: null });
    // A copy outside the models folder: removing it later must only forget it.
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'dianjin-import-')), 'imported-tiny.gguf');
    copyFileSync(testModelPath, outside);

    await page.goto(serve.url);
    await page.getByTestId('models-link').click();

    const items = page.getByTestId('catalog-item');
    await expect(items.first()).toBeVisible();
    expect(await items.count()).toBeGreaterThan(1);
    for (const item of await items.all()) {
      await expect(item).toHaveAttribute('data-fit', /^(gpu-full|gpu-partial|cpu-only|does-not-fit)$/);
      await expect(item.getByTestId('fit-badge')).toHaveText(/Fits on GPU|Partial offload \d+\/\d+|CPU only|Does not fit/);
      await expect(item.getByTestId('catalog-source')).toHaveAttribute('rel', /noopener/);
    }

    await expect(page.locator(`[data-testid="model-list-item"][data-path="${outside}"]`)).toHaveCount(0);
    await page.getByTestId('model-path-input').fill(outside);
    await page.getByTestId('model-import').click();
    const row = page.locator(`[data-testid="model-list-item"][data-path="${outside}"]`);
    await expect(row).toBeVisible();

    await row.getByTestId('model-remove').click();
    await expect(row.getByTestId('model-remove-prompt')).toContainText('only forgotten');
    await row.getByTestId('model-remove-confirm').click();
    await expect(row).toHaveCount(0);
  });
});
