/** The model library: the catalog with fit estimates, importing a GGUF by path, and LoRA adapters with their base. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateTestLora } from '../models/testModel/generateTestLora';
import { apiCall, expect, startServe, stopServe, test, testModelPath, waitForModelReady, type ServeInfo } from './fixtures';

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

  test('imports a LoRA adapter with its base model, refuses one made for another model, and uses it in chat', async ({ page, dataDir }) => {
    serve = await startServe({ dataDir });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-adapter-'));
    const adapter = path.join(dir, 'dianjin-grpo-lora.gguf');
    await generateTestLora({ outPath: adapter, name: 'GRPO from the cluster' });
    const wider = path.join(dir, 'wider-lora.gguf');
    await generateTestLora({ outPath: wider, embeddingLength: 128 });

    await page.goto(serve.url);
    await waitForModelReady(page);
    await page.getByTestId('models-link').click();
    const section = page.getByTestId('adapters-section');
    await expect(section).toContainText('No adapters yet');

    // Added as a model, an adapter is refused with what to do instead.
    await page.getByTestId('model-path-input').fill(adapter);
    await page.getByTestId('model-import').click();
    await expect(page.locator('[data-testid="error-message"][data-code="MODEL_IS_ADAPTER"]')).toContainText('LoRA adapter, not a model');

    await expect(section.getByTestId('adapter-base')).toHaveValue(testModelPath);
    await section.getByTestId('adapter-path-input').fill(wider);
    await section.getByTestId('adapter-import').click();
    await expect(section.locator('[data-testid="error-message"][data-code="LORA_MISMATCH"]')).toBeVisible();
    await expect(section.getByTestId('adapter-row')).toHaveCount(0);

    await section.getByTestId('adapter-path-input').fill(adapter);
    await section.getByTestId('adapter-import').click();
    const row = section.locator(`[data-testid="adapter-row"][data-path="${adapter}"]`);
    await expect(row).toContainText('GRPO from the cluster');
    await expect(row.getByTestId('adapter-origin')).toHaveText('Imported');

    await row.getByTestId('adapter-use').click();
    await expect(page.locator('main.view')).toHaveAttribute('data-view', 'chat');
    await expect
      .poll(async () => (await apiCall<{ model: { lora?: { path: string } | null } | null }>(serve!, 'inference.status')).model?.lora?.path ?? null, { timeout: 60_000 })
      .toBe(adapter);

    // Forgotten, the file stays.
    await page.getByTestId('models-link').click();
    await row.getByTestId('adapter-forget').click();
    await row.getByTestId('adapter-forget-confirm').click();
    await expect(row).toHaveCount(0);
    expect((await apiCall<{ path: string }[]>(serve, 'train.adapters')).map((a) => a.path)).not.toContain(adapter);
  });
});
