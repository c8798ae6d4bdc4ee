/**
 * The desktop app itself: Electron launched on the built app (dist/electron/main.js) with a temporary DIANJIN_HOME.
 * Checks that the renderer loads from app://renderer/ under the strict CSP, that the page gets `window.dianjin` and
 * no Node.js, that navigation and new windows are refused, and that a question is answered by the test model
 * through the preload bridge, IPC and the inference utility process.
 * Skipped where the Electron binary is not installed (it cannot be downloaded on every machine).
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { methodNames } from '../electron/shared/api';
import type { DianjinBridge } from '../electron/shared/bridge';
import type { Envelope } from '../electron/shared/transport';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainBundle = path.join(root, 'dist', 'electron', 'main.js');
const testModel = process.env.DIANJIN_TEST_MODEL ?? path.join(root, 'models', 'test-qwen2-tiny.gguf');

/** The Electron executable, or null: `require('electron')` throws when its binary was never downloaded. */
function findElectronBinary(): string | null {
  try {
    const binary: unknown = createRequire(path.join(root, 'package.json'))('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
const electronBinary = findElectronBinary();
const electronBinaryInstalled = electronBinary !== null;

/** `window.dianjin` as the page sees it (a plain cast: evaluate callbacks run in the page). */
type PageWindow = Window & { dianjin: DianjinBridge };

test.describe('Electron app', () => {
  test.skip(!electronBinaryInstalled, 'Electron binary is not installed on this machine (it cannot be downloaded here)');
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;
  const mainLog: string[] = [];

  test.beforeAll(async () => {
    if (!existsSync(mainBundle)) throw new Error(`${mainBundle} is missing: run \`npm run build\` before the Electron tests.`);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-electron-e2e-'));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
    env.DIANJIN_HOME = dataDir;
    // Chromium refuses to run as root with its OS sandbox (CI containers); the renderer sandbox flags still apply.
    const args = process.getuid?.() === 0 ? ['--no-sandbox', root] : [root];
    app = await electron.launch({ executablePath: electronBinary!, args, cwd: root, env, timeout: 60_000 });
    app.process().stdout?.on('data', (chunk: Buffer) => mainLog.push(chunk.toString()));
    app.process().stderr?.on('data', (chunk: Buffer) => mainLog.push(chunk.toString()));
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // eslint-disable-next-line no-empty-pattern
  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('main-process.log', { body: mainLog.join('') });
  });

  test('loads the renderer from app://renderer/ in one window', async () => {
    expect(page.url()).toBe('app://renderer/index.html');
    await expect(page).toHaveTitle(/DianJin Workbench/);
    await expect(page.locator('#root > *').first()).toBeVisible();
    expect(app.windows()).toHaveLength(1);
  });

  test('gives the page window.dianjin and no Node.js', async () => {
    const surface = await page.evaluate(() => {
      const w = window as unknown as PageWindow & Record<string, unknown>;
      return {
        host: w.dianjin?.host,
        methods: Object.keys(w.dianjin?.api ?? {}).sort(),
        pickModelFile: typeof w.dianjin?.pickModelFile,
        pathForFile: typeof w.dianjin?.pathForFile,
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        Buffer: typeof w.Buffer,
        ipcRenderer: typeof w.ipcRenderer,
      };
    });
    expect(surface).toEqual({
      host: 'electron',
      methods: [...methodNames].sort(),
      pickModelFile: 'function',
      pathForFile: 'function',
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      ipcRenderer: 'undefined',
    });
  });

  test('answers API calls over IPC from the data dir it was given', async () => {
    const info = await page.evaluate(() => (window as unknown as PageWindow).dianjin.api['app.info']({}));
    expect(info.ok).toBe(true);
    expect(info).toMatchObject({ value: { host: 'electron', dataDir: path.resolve(dataDir) } });
    const invalid = await page.evaluate(() => (window as unknown as PageWindow).dianjin.api['chat.get']({ id: 42 }));
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  test('serves files with the strict CSP and nothing outside the renderer folder', async () => {
    const result = await page.evaluate(async () => {
      const index = await fetch('app://renderer/index.html');
      const traversal = await fetch('app://renderer/..%2f..%2fpackage.json');
      const remote = await fetch('https://example.com/').then(
        () => 'loaded',
        () => 'blocked',
      );
      return { status: index.status, type: index.headers.get('content-type'), csp: index.headers.get('content-security-policy'), traversal: traversal.status, remote };
    });
    expect(result.status).toBe(200);
    expect(result.type).toBe('text/html; charset=utf-8');
    expect(result.csp).toContain("script-src 'self'");
    expect(result.csp).toContain("frame-ancestors 'none'");
    expect(result.traversal).toBe(403);
    expect(result.remote).toBe('blocked');
  });

  test('refuses new windows and navigation away from the renderer', async () => {
    const opened = await page.evaluate(() => window.open('about:blank') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      window.location.href = 'https://example.invalid/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/renderer\//);
    expect(app.windows()).toHaveLength(1);
  });

  test('asks a question and gets an answer from the test model', async () => {
    test.skip(!existsSync(testModel), `No test model at ${testModel} (set DIANJIN_TEST_MODEL or run npm run models:test)`);
    test.setTimeout(240_000);

    // Setup through the bridge: short answers, and the test model selected (loads it in the utility process).
    const setup = await page.evaluate(async (modelPath) => {
      const api = (window as unknown as PageWindow).dianjin.api;
      const settings = await api['settings.update']({ sampling: { maxTokens: 48 } });
      const selected = await api['models.select']({ path: modelPath });
      return { settings, selected };
    }, testModel);
    expect(setup.settings.ok).toBe(true);
    expect(setup.selected).toMatchObject({ ok: true, value: { state: 'ready' } });

    // The question goes through the real UI.
    await page.reload();
    await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await page.getByTestId('composer-input').fill('What is the current ratio of a company with 200 in current assets and 100 in current liabilities?');
    await page.getByTestId('send-button').click();
    await expect(page.getByTestId('message-user')).toHaveCount(1);
    const answer = page.getByTestId('message-assistant').last();
    await expect(answer).toHaveAttribute('data-status', /^(complete|stopped)$/, { timeout: 180_000 });
    await expect(page.getByTestId('message-stats').last()).toBeVisible();

    // The saved conversation, read back over IPC.
    const saved = await page.evaluate(async () => {
      const api = (window as unknown as PageWindow).dianjin.api;
      const list = (await api['chat.list']({})) as Envelope<{ id: string }[]>;
      if (!list.ok || list.value.length === 0) return null;
      const conversation = (await api['chat.get']({ id: list.value[0]!.id })) as Envelope<{ messages: { role: string; content: string; status: string }[] }>;
      return conversation.ok ? conversation.value.messages.map(({ role, status, content }) => ({ role, status, hasContent: content.length > 0 })) : null;
    });
    expect(saved).toEqual([
      { role: 'user', status: expect.any(String), hasContent: true },
      { role: 'assistant', status: expect.stringMatching(/^(complete|stopped)$/), hasContent: true },
    ]);
  });

  test('streams chunks through the bridge and stops a generation when cancelled', async () => {
    test.skip(!existsSync(testModel), `No test model at ${testModel} (set DIANJIN_TEST_MODEL or run npm run models:test)`);
    test.setTimeout(180_000);
    const outcome = await page.evaluate(async (modelPath) => {
      const api = (window as unknown as PageWindow).dianjin.api;
      await api['settings.update']({ sampling: { maxTokens: 2048 } });
      const chunkTypes: string[] = [];
      const handle = api['chat.send']({ question: 'Explain EBITDA step by step.', modelPath }, (chunk) => {
        const type = (chunk as { type: string }).type;
        chunkTypes.push(type);
        if (type === 'delta') handle.cancel();
      });
      const end = (await handle.result) as Envelope<{ status: string }>;
      return { chunkTypes: [...new Set(chunkTypes)], ok: end.ok, status: end.ok ? end.value.status : end.error.code };
    }, testModel);
    expect(outcome.chunkTypes[0]).toBe('start');
    expect(outcome.ok).toBe(true);
    expect(['stopped', 'complete']).toContain(outcome.status);
  });
});
