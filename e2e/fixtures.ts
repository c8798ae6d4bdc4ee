/**
 * Starts the real `dianjin serve` (built CLI, real inference process, real SQLite in a temp DIANJIN_HOME) for a
 * test, and opens the renderer in Chromium at the printed URL.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const root = path.resolve(import.meta.dirname, '..');
export const testModelPath = process.env.DIANJIN_TEST_MODEL ?? path.join(root, 'models', 'test-qwen2-tiny.gguf');

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
