/**
 * Boots the BUILT main process (dist/electron/main.js, with the built preload and inference worker) on the Electron
 * stand-in in ./testing/smoke, where no Electron binary is needed: the wiring of main.ts, the protocol, the preload
 * bridge over IPC, the lock-down handlers, a generation with the test model, a reload, and a clean shutdown.
 * What it cannot show is Chromium's side (sandbox, CSP enforcement, real navigation): e2e/electron.spec.ts does.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../shared/api';

const root = path.resolve(import.meta.dirname, '..', '..');
const smokeDir = path.join(import.meta.dirname, 'testing', 'smoke');
const built = existsSync(path.join(root, 'dist', 'electron', 'main.js')) && existsSync(path.join(root, 'dist', 'electron', 'preload.cjs'));
const testModel = process.env.DIANJIN_TEST_MODEL ?? path.join(root, 'models', 'test-qwen2-tiny.gguf');
const rendererBuilt = existsSync(path.join(root, 'dist', 'renderer', 'index.html'));

interface SmokeRun {
  code: number | null;
  output: string;
  result: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function runSmoke(dataDir: string): Promise<SmokeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', path.join(smokeDir, 'register.mjs'), path.join(smokeDir, 'run.mjs')], {
      cwd: root,
      env: { ...process.env, DIANJIN_HOME: dataDir, SMOKE_MODEL: existsSync(testModel) ? testModel : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the smoke run did not exit in time:\n${output}`));
    }, 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith('SMOKE_RESULT '));
      if (!line) return reject(new Error(`no SMOKE_RESULT (exit ${code}):\n${output}`));
      resolve({ code, output, result: JSON.parse(line.slice('SMOKE_RESULT '.length)) });
    });
  });
}

describe.skipIf(!built)('built main process on the Electron stand-in', () => {
  let dataDir: string;
  let run: SmokeRun;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-main-smoke-'));
    run = await runSmoke(dataDir);
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('opens one locked-down window on app://renderer/ with the CSP', () => {
    const { window, page, privilegedSchemes } = run.result;
    expect(window.visible).toBe(true);
    expect(window.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      webviewTag: false,
    });
    expect(privilegedSchemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(page.url).toBe('app://renderer/index.html');
    expect(page.status).toBe(rendererBuilt ? 200 : 404);
    expect(page.csp).toContain("default-src 'self'");
  });

  it('exposes the bridge through the preload and answers over IPC', () => {
    expect(run.result.bridgeKeys).toEqual(['api', 'host', 'pathForFile', 'pickDocumentFiles', 'pickModelFile']);
    expect(run.result.apiMethods).toEqual([...methodNames].sort());
    expect(run.result.info).toMatchObject({ ok: true, value: { host: 'electron', dataDir: path.resolve(dataDir) } });
  });

  it('blocks navigation, new windows, permissions and remote requests', () => {
    const { navigation, urlAfterNavigation, windowOpen, openedExternally, permissions, requestsCancelled } = run.result;
    expect(navigation).toEqual({ blocked: true });
    expect(urlAfterNavigation).toBe('app://renderer/index.html');
    expect(windowOpen).toEqual([{ action: 'deny' }, { action: 'deny' }]);
    expect(openedExternally).toEqual(['https://example.com/docs']);
    expect(permissions).toEqual({ media: false, notifications: false, clipboardWrite: true });
    expect(requestsCancelled).toEqual({ remote: true, own: false });
  });

  it.skipIf(!existsSync(testModel))('answers a question with the test model in the inference process', () => {
    const { select, chat, conversations } = run.result;
    expect(select).toMatchObject({ ok: true, value: { state: 'ready' } });
    expect(chat.chunkTypes[0]).toBe('start');
    expect(chat.chunkTypes).toContain('delta');
    expect(chat.end).toMatchObject({ ok: true, value: { role: 'assistant', status: 'complete' } });
    expect(chat.end.value.content.length).toBeGreaterThan(0);
    expect(conversations.value).toHaveLength(1);
    expect(run.result.eventTypes).toContain('inference.status');
  });

  it('keeps working after a reload, and shuts down cleanly when the window closes', () => {
    expect(run.result.afterReload).toMatchObject({ ok: true });
    expect(run.result.errorBoxes).toEqual([]);
    expect(run.code).toBe(0);
    const state = JSON.parse(readFileSync(path.join(dataDir, 'window-state.json'), 'utf8'));
    expect(state).toMatchObject({ width: expect.any(Number), height: expect.any(Number), maximized: false });
  });
});
