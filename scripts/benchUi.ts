/**
 * `npm run bench:ui [-- --tokens 10000] [--model PATH] [--threads 1] [--seed 1]`
 *
 * Is the renderer still responsive while a long reasoning streams? The real pipeline, nothing mocked: `dianjin serve`
 * (built CLI, inference process, SQLite in a temp DIANJIN_HOME) with a tiny generated model whose chat template opens
 * `<think>`, so almost every token streams as reasoning; the built renderer in the system Chromium (headless, 1280×800).
 * Run `npm run build` first when the sources changed.
 *
 * Probes installed in the page before asking:
 * - frames: a requestAnimationFrame loop records every frame interval while the answer streams;
 * - long tasks: a PerformanceObserver for 'longtask' entries (main-thread tasks over 50 ms);
 * - input latency: every 500 ms while streaming, one character is typed into the composer (Playwright keyboard); the
 *   page measures from the keydown's `timeStamp` to the first animation frame after the 'input' event;
 * - DOM nodes (`document.getElementsByTagName('*').length`) and JS heap, sampled every 500 ms.
 *
 * Prints a table on stderr and, as the last line of stdout, one JSON object: { pass, tokens, reasoningChars,
 * durationMs, frames, p50FrameMs, p95FrameMs, maxFrameMs, longTasks, longTaskTotalMs, maxLongTaskMs,
 * inputLatencyP95Ms, inputLatencyMaxMs, domNodesPeak, domNodesEnd, heapMB, ... }.
 *
 * Targets (`pass` is all of them):
 * - p95 frame interval ≤ 50 ms (20 fps or better for 95 % of frames while streaming);
 * - input latency p95 ≤ 100 ms (typing stays immediate);
 * - no long task over 200 ms (no visible freeze);
 * - DOM nodes peak < 3,000 (the trace is virtualised, not one node per block of a 10,000-token trace).
 * Exits 0 whether or not they pass (it is a benchmark); non-zero only when the benchmark itself fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import type { ConversationRecord, ConversationSummary } from '../electron/shared/records';
import { generateTestModel } from '../models/testModel/generateTestModel';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '10000' },
    model: { type: 'string' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});
function fail(message: string): never {
  process.stderr.write(`bench:ui: ${message}\n`);
  process.exit(1);
}
const root = path.resolve(import.meta.dirname, '..');
const tokens = Number(values.tokens);
const threads = Number(values.threads);
const seed = Number(values.seed);
if (!Number.isInteger(tokens) || tokens < 16) fail('--tokens must be a whole number ≥ 16.');
if (!Number.isInteger(threads) || threads < 1) fail('--threads must be a positive whole number.');
if (!Number.isInteger(seed) || seed < 0) fail('--seed must be a whole number ≥ 0.');
if (!existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) fail('dist/renderer is missing; run `npm run build` first.');
const chromiumPath = process.env.DIANJIN_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) fail(`no Chromium at ${chromiumPath}; install the Debian package "chromium" or set DIANJIN_CHROMIUM.`);

/** Room for the prompt and the whole answer, in whole KiB of tokens, at least 16,384. */
const contextSize = Math.max(16_384, Math.ceil((tokens + 512) / 1024) * 1024);
const question = 'Walk through the operating margin, step by step: revenue 1,400, operating profit 210. 营业利润率是多少？';

const targets = { p95FrameMs: 50, inputLatencyP95Ms: 100, maxLongTaskMs: 200, domNodesPeak: 3000 };

// ── model ────────────────────────────────────────────────────────────────────────────────────────────────────
async function benchModel(): Promise<string> {
  if (values.model !== undefined) return path.resolve(values.model);
  const modelPath = path.join(root, 'models', '.cache', `bench-ui-qwen2-tiny-ctx${contextSize}.gguf`);
  if (!existsSync(modelPath)) {
    process.stderr.write(`generating ${path.relative(root, modelPath)} …\n`);
    await generateTestModel({ outPath: modelPath, contextLength: contextSize, seed: 42 });
  }
  return modelPath;
}

// ── server ───────────────────────────────────────────────────────────────────────────────────────────────────
interface Serve {
  url: string;
  port: number;
  token: string;
  process: ChildProcess;
}

async function startServe(modelPath: string, dataDir: string): Promise<Serve> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'dianjin.js'), 'serve', '--json', '--port', '0', '--model', modelPath], {
    cwd: root,
    env: { ...process.env, DIANJIN_HOME: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<Omit<Serve, 'process'>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dianjin serve did not start in 60 s. stderr: ${stderr}`)), 60_000);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Omit<Serve, 'process'>;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not the JSON line */
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dianjin serve exited with ${code}: ${stderr}`));
    });
  });
  return { ...info, process: child };
}

async function stopServe(serve: Serve): Promise<void> {
  if (serve.process.exitCode !== null) return;
  const exited = new Promise((resolve) => serve.process.once('exit', resolve));
  serve.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (serve.process.exitCode === null) serve.process.kill('SIGKILL');
}

async function call<T>(serve: Serve, method: string, input: unknown = {}): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${serve.port}/api/call/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await response.json()) as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error?.code} ${envelope.error?.message}`);
  return envelope.value as T;
}

// ── page probes ──────────────────────────────────────────────────────────────────────────────────────────────
/** What the page collects; read back with `collect`. Times are `performance.now()` milliseconds. */
interface PageSamples {
  /** [frame time, interval since the previous frame]. */
  frames: [number, number][];
  /** [start time, duration]. */
  longTasks: [number, number][];
  /** [keydown time, ms to the first frame after the input event]. */
  inputLatencies: [number, number][];
  /** [time, DOM nodes, used JS heap bytes or null, reasoning characters on screen]. */
  samples: [number, number, number | null, number][];
  streamStart: number;
  streamEnd: number;
}

/** Runs in the page (serialised by Playwright): no closures over this module. */
function installProbes() {
  const store: PageSamples & { running: boolean } = { frames: [], longTasks: [], inputLatencies: [], samples: [], streamStart: 0, streamEnd: 0, running: true };
  (window as unknown as { __benchUi: typeof store }).__benchUi = store;

  let previous = -1;
  const frame = (time: number) => {
    if (previous >= 0) store.frames.push([time, time - previous]);
    previous = time;
    if (store.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) store.longTasks.push([entry.startTime, entry.duration]);
  }).observe({ entryTypes: ['longtask'] });

  const isComposer = (target: EventTarget | null) => target instanceof HTMLElement && target.dataset.testid === 'composer-input';
  let keydownAt: number | null = null;
  document.addEventListener('keydown', (event) => {
    if (isComposer(event.target)) keydownAt = event.timeStamp;
  }, true);
  document.addEventListener('input', (event) => {
    if (!isComposer(event.target) || keydownAt === null) return;
    const start = keydownAt;
    keydownAt = null;
    requestAnimationFrame(() => store.inputLatencies.push([start, performance.now() - start]));
  }, true);

  const sample = () => {
    const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    const traces = document.querySelectorAll('[data-testid=message-assistant] [data-testid=reasoning-text]');
    const trace = traces[traces.length - 1];
    store.samples.push([performance.now(), document.getElementsByTagName('*').length, memory ? memory.usedJSHeapSize : null, trace?.textContent?.length ?? 0]);
  };
  const timer = setInterval(() => (store.running ? sample() : clearInterval(timer)), 500);
}

// ── statistics ───────────────────────────────────────────────────────────────────────────────────────────────
function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

// ── run ──────────────────────────────────────────────────────────────────────────────────────────────────────
const modelPath = await benchModel();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-bench-ui-'));
let serve: Serve | null = null;
let browser: Browser | null = null;
let exitCode = 0;
try {
  serve = await startServe(modelPath, dataDir);
  await call(serve, 'settings.update', { load: { threads, contextSize }, sampling: { maxTokens: tokens, seed } });
  await call(serve, 'models.select', { path: modelPath });

  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve.url);
  await page.locator('[data-testid=model-status][data-state=ready]').waitFor({ timeout: 120_000 });

  // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(…)`; the page has no such helper.
  await page.evaluate('window.__name = (fn) => fn');
  await page.evaluate(installProbes);
  const composer = page.getByTestId('composer-input');
  await composer.fill(question);
  await page.evaluate(() => ((window as unknown as { __benchUi: PageSamples }).__benchUi.streamStart = performance.now()));
  const wallStart = performance.now();
  await page.keyboard.press('Enter');
  const assistant = page.getByTestId('message-assistant').last();
  await assistant.waitFor({ timeout: 60_000 });

  // ~250 tok/s on one thread of a 2-core machine; allow a quarter of that, plus start-up.
  const timeoutMs = 60_000 + (tokens / 60) * 1000;
  const finished = assistant.and(page.locator('[data-status=complete], [data-status=stopped], [data-status=error], [data-status=interrupted]'));
  let done = false;
  const finishedPromise = finished.waitFor({ timeout: timeoutMs }).then(() => (done = true));
  finishedPromise.catch(() => undefined);
  // Type one character every 500 ms while the answer streams (the composer keeps focus after Enter).
  await composer.focus();
  while (!done) {
    await page.keyboard.type('x');
    await Promise.race([finishedPromise, new Promise((resolve) => setTimeout(resolve, 500))]);
  }
  await finishedPromise;
  const durationMs = performance.now() - wallStart;
  const status = await assistant.getAttribute('data-status');
  if (status !== 'complete' && status !== 'stopped') throw new Error(`the answer ended with status "${status}".`);

  // Let the final render settle, then stop the probes and read them back.
  await page.waitForTimeout(600);
  const collected = await page.evaluate(() => {
    const store = (window as unknown as { __benchUi: PageSamples & { running: boolean } }).__benchUi;
    store.streamEnd = performance.now();
    store.running = false;
    return store as PageSamples;
  });

  const summaries = await call<ConversationSummary[]>(serve, 'chat.list');
  const conversation = await call<ConversationRecord>(serve, 'chat.get', { id: summaries[0]!.id });
  const message = conversation.messages.at(-1)!;

  const frames = collected.frames.filter(([t]) => t >= collected.streamStart).map(([, dt]) => dt);
  const longTasks = collected.longTasks.filter(([t]) => t >= collected.streamStart).map(([, d]) => d);
  const inputLatencies = collected.inputLatencies.map(([, d]) => d);
  const samples = collected.samples.filter(([t]) => t >= collected.streamStart);
  const domNodes = samples.map(([, n]) => n);
  const heaps = samples.map(([, , heap]) => heap).filter((h): h is number => h !== null);
  const mid = samples[Math.floor(samples.length / 2)];

  const result = {
    tokens: message.completionTokens ?? 0,
    reasoningChars: message.reasoning.length,
    answerChars: message.answer.length,
    status,
    durationMs: Math.round(durationMs),
    tokensPerSecond: round(message.tokensPerSecond ?? 0),
    frames: frames.length,
    p50FrameMs: round(percentile(frames, 50)),
    p95FrameMs: round(percentile(frames, 95)),
    maxFrameMs: round(Math.max(0, ...frames)),
    longTasks: longTasks.length,
    longTaskTotalMs: Math.round(longTasks.reduce((a, b) => a + b, 0)),
    maxLongTaskMs: Math.round(Math.max(0, ...longTasks)),
    inputSamples: inputLatencies.length,
    inputLatencyP50Ms: round(percentile(inputLatencies, 50)),
    inputLatencyP95Ms: round(percentile(inputLatencies, 95)),
    inputLatencyMaxMs: round(Math.max(0, ...inputLatencies)),
    domNodesMid: mid?.[1] ?? 0,
    domNodesPeak: Math.max(0, ...domNodes),
    domNodesEnd: domNodes.at(-1) ?? 0,
    heapMB: heaps.length > 0 ? round(heaps.at(-1)! / 1024 / 1024) : null,
    heapPeakMB: heaps.length > 0 ? round(Math.max(...heaps) / 1024 / 1024) : null,
    pageErrors: pageErrors.length,
    threads,
    contextSize,
    model: path.basename(modelPath),
    chromium: browser.version(),
  };
  const checks = {
    p95FrameMs: result.p95FrameMs <= targets.p95FrameMs,
    inputLatencyP95Ms: result.inputSamples > 0 && result.inputLatencyP95Ms <= targets.inputLatencyP95Ms,
    maxLongTaskMs: result.maxLongTaskMs <= targets.maxLongTaskMs,
    domNodesPeak: result.domNodesPeak < targets.domNodesPeak,
  };
  const pass = Object.values(checks).every(Boolean) && pageErrors.length === 0;

  const rows: [string, string, string][] = [
    ['tokens streamed', `${result.tokens} (${result.reasoningChars} reasoning chars, ${result.answerChars} answer chars)`, ''],
    ['duration', `${(result.durationMs / 1000).toFixed(1)} s, ${result.tokensPerSecond} tok/s`, ''],
    ['frames', `${result.frames}, p50 ${result.p50FrameMs} ms, max ${result.maxFrameMs} ms`, ''],
    ['p95 frame interval', `${result.p95FrameMs} ms`, `≤ ${targets.p95FrameMs} ms ${checks.p95FrameMs ? 'ok' : 'FAIL'}`],
    ['long tasks', `${result.longTasks}, ${result.longTaskTotalMs} ms in all`, ''],
    ['longest task', `${result.maxLongTaskMs} ms`, `≤ ${targets.maxLongTaskMs} ms ${checks.maxLongTaskMs ? 'ok' : 'FAIL'}`],
    ['input latency', `${result.inputSamples} keys, p50 ${result.inputLatencyP50Ms} ms, max ${result.inputLatencyMaxMs} ms`, ''],
    ['input latency p95', `${result.inputLatencyP95Ms} ms`, `≤ ${targets.inputLatencyP95Ms} ms ${checks.inputLatencyP95Ms ? 'ok' : 'FAIL'}`],
    ['DOM nodes (mid / end)', `${result.domNodesMid} / ${result.domNodesEnd}`, ''],
    ['DOM nodes peak', `${result.domNodesPeak}`, `< ${targets.domNodesPeak} ${checks.domNodesPeak ? 'ok' : 'FAIL'}`],
    ['JS heap (end / peak)', `${result.heapMB ?? '–'} / ${result.heapPeakMB ?? '–'} MB`, ''],
    ['page errors', `${pageErrors.length}${pageErrors.length ? `: ${pageErrors[0]}` : ''}`, ''],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  process.stderr.write(`\nUI responsiveness while ${result.tokens} tokens stream (${result.model}, ${threads} thread(s), Chromium ${result.chromium})\n`);
  for (const [name, value, target] of rows) process.stderr.write(`  ${name.padEnd(width)}  ${value.padEnd(valueWidth)}  ${target}\n`);
  process.stderr.write(`  ${'pass'.padEnd(width)}  ${pass}\n`);
  console.log(JSON.stringify({ pass, ...result }));
} catch (error) {
  process.stderr.write(`bench:ui: ${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await browser?.close();
  if (serve) await stopServe(serve);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
