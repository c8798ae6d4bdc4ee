// Smoke-runs the built main process (dist/electron/main.js) on the Electron stand-in (./electron.mjs): boots it,
// checks the window, the preload bridge, the lock-down handlers and (when SMOKE_MODEL is set) a generation with the
// test model through IPC and the inference process, then closes the window and lets the app shut down by itself.
// Prints one line `SMOKE_RESULT {json}`. Run: node --import ./register.mjs ./run.mjs (cwd = repository root).
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const root = process.cwd();
const modelPath = process.env.SMOKE_MODEL || null;

async function waitFor(read, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function streamToEnd(stream, onChunk) {
  return stream.result.then((end) => ({ end, onChunk }));
}

async function main() {
  await import(pathToFileURL(path.join(root, 'dist', 'electron', 'main.js')).href);
  const smoke = globalThis.__dianjinSmoke;
  smoke.app.emitReady();
  const window = await waitFor(() => smoke.windows[0], 'the main window');
  const contents = window.webContents;
  const bridge = await waitFor(() => smoke.bridges.get(contents.id), 'window.dianjin');
  const result = {};

  const { preload: _preload, ...webPreferences } = window.options.webPreferences;
  result.window = { visible: window.visible === true, webPreferences };
  result.page = {
    url: contents.page.url,
    status: contents.page.status,
    csp: contents.page.headers['content-security-policy'],
    contentType: contents.page.headers['content-type'],
  };
  result.privilegedSchemes = smoke.privilegedSchemes;
  result.bridgeKeys = Object.keys(bridge).sort();
  result.apiMethods = Object.keys(bridge.api).sort();
  result.info = await bridge.api['app.info']({});

  // Lock-down, through the handlers main.js registered.
  result.navigation = await contents.load('https://example.com/', { rendererInitiated: true });
  result.urlAfterNavigation = contents.mainFrame.url;
  result.windowOpen = [contents.windowOpenHandler({ url: 'https://example.com/docs' }), contents.windowOpenHandler({ url: 'file:///etc/passwd' })];
  await sleep(10);
  result.openedExternally = smoke.openedExternally;
  const ask = (permission) =>
    new Promise((resolve) => smoke.permissionHandlers.request(contents, permission, resolve, { requestingUrl: 'app://renderer/index.html', isMainFrame: true }));
  result.permissions = { media: await ask('media'), notifications: await ask('notifications'), clipboardWrite: await ask('clipboard-sanitized-write') };
  const request = (url) =>
    new Promise((resolve) => smoke.permissionHandlers.beforeRequest({ url, webContentsId: contents.id, resourceType: 'script' }, (r) => resolve(r.cancel)));
  result.requestsCancelled = { remote: await request('https://cdn.example.com/x.js'), own: await request('app://renderer/assets/a.js') };

  // A live event stream, which the reload below must end.
  const events = [];
  bridge.api['app.events']({}, (event) => events.push(event.type));

  if (modelPath) {
    result.select = await bridge.api['models.select']({ path: modelPath });
    await bridge.api['settings.update']({ sampling: { maxTokens: 24 } });
    const chunkTypes = [];
    const sent = await streamToEnd(bridge.api['chat.send']({ question: 'What is a current ratio?' }, (chunk) => chunkTypes.push(chunk.type)));
    result.chat = { end: sent.end, chunkTypes: [...new Set(chunkTypes)] };
    result.conversations = await bridge.api['chat.list']({});
  }
  result.eventTypes = [...new Set(events)];

  // Reload: a new page, a new bridge; the old page's streams end in the main process.
  const oldBridge = bridge;
  contents.reload();
  const newBridge = await waitFor(() => smoke.bridges.get(contents.id) !== oldBridge && smoke.bridges.get(contents.id), 'the reloaded bridge');
  result.afterReload = await newBridge.api['inference.status']({});

  result.errorBoxes = smoke.errorBoxes;
  process.stdout.write(`SMOKE_RESULT ${JSON.stringify(result)}\n`);
  // Closing the last window quits the app (not on macOS), which disposes the services and exits by itself.
  window.close();
}

main().catch((error) => {
  process.stdout.write(`SMOKE_FAILED ${error?.stack ?? error}\n`);
  process.exit(1);
});
