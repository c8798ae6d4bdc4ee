/**
 * Starts the real `dianjin serve` (built CLI, real inference process, real SQLite in a temp DIANJIN_HOME) for a
 * test, and opens the renderer in Chromium at the printed URL.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const root = path.resolve(import.meta.dirname, '..');
export const testModelPath = process.env.DIANJIN_TEST_MODEL ?? path.join(root, 'models', 'test-qwen2-tiny.gguf');
/** Where the service looks for the trainer (electron/services/training/trainerProcess.ts locateTrainer). */
export const trainerPath = process.env.DIANJIN_TRAINER ?? path.join(root, 'build', 'trainer', 'bin', process.platform === 'win32' ? 'dianjin-trainer.exe' : 'dianjin-trainer');

/**
 * With DIANJIN_TRAIN_SHOTS=DIR, saves screenshots of the fine-tuning view in each theme × language of `looks` (the
 * stores keep the view's state: only the settings change), then goes back to light English at 1280 × 900.
 */
export async function shootTrainingView(page: Page, file: string, options: { height: number; ready: string; looks: ReadonlyArray<readonly ['light' | 'dark', 'en' | 'zh-CN']> }) {
  const dir = process.env.DIANJIN_TRAIN_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  // The view scrolls inside the window: a tall window shows all of it.
  await page.setViewportSize({ width: 1280, height: options.height });
  for (const [theme, language] of options.looks) {
    await page.getByTestId('settings-link').click();
    await page.locator(`[data-testid="settings-theme"] [data-value="${theme}"]`).click();
    await page.getByTestId('settings-language').selectOption(language);
    await expect(page.locator('html')).toHaveAttribute('lang', language);
    await page.getByTestId('training-link').click();
    await expect(page.getByTestId(options.ready)).toBeVisible();
    await page.waitForTimeout(700);
    await page.screenshot({ path: path.join(dir, `${file}-${theme}-${language}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId('settings-link').click();
  await page.locator('[data-testid="settings-theme"] [data-value="light"]').click();
  await page.getByTestId('settings-language').selectOption('en');
  await page.getByTestId('training-link').click();
}

export interface ServeInfo {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  process: ChildProcess;
}

export async function startServe(options: { dataDir: string; model?: string | null; extraArgs?: string[] }): Promise<ServeInfo> {
  const args = [path.join(root, 'bin', 'dianjin.js'), 'serve', '--json', '--port', '0'];
  if (options.model !== null) args.push('--model', options.model ?? testModelPath);
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, DIANJIN_HOME: options.dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const info = await new Promise<Omit<ServeInfo, 'process' | 'dataDir'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dianjin serve did not start in time. stderr: ${stderr}`)), 60_000);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Omit<ServeInfo, 'process' | 'dataDir'>;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not the JSON line */
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dianjin serve exited with ${code}: ${stderr}`));
    });
  });
  return { ...info, dataDir: options.dataDir, process: child };
}

export async function stopServe(serve: ServeInfo): Promise<void> {
  if (serve.process.exitCode !== null) return;
  const exited = new Promise((resolve) => serve.process.once('exit', resolve));
  serve.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (serve.process.exitCode === null) serve.process.kill('SIGKILL');
}

/** Calls the serve API directly (for setup and for reading the inference process's pid). */
export async function apiCall<T = unknown>(serve: ServeInfo, method: string, input: unknown = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${serve.port}/api/call/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error?.code} ${envelope.error?.message}`);
  return envelope.value as T;
}

export async function waitForModelReady(page: Page): Promise<void> {
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
}

export const test = base.extend<{ dataDir: string; serve: ServeInfo }>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  serve: async ({ dataDir }, use) => {
    const serve = await startServe({ dataDir });
    await use(serve);
    await stopServe(serve);
  },
});

export { expect };
