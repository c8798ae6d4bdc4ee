/**
 * `npm run bench -- --model PATH [--runs N] [--max-tokens N] [--threads N]`
 *
 * Decodes the same prompt with the same settings two ways, interleaved:
 * - raw: node-llama-cpp directly in this process (LlamaCompletion on the same prompt tokens);
 * - pipeline: the whole product path — `dianjin serve` (a separate process) → inference process → chat service →
 *   WebSocket → this client, timed on the client as the deltas arrive.
 * Prints a table on stderr and, as the last line of stdout, one JSON object:
 * { ratio, pipelineTokensPerSec, rawTokensPerSec, ttftMs, rawTtftMs, runs, ... }. Target: ratio ≥ 0.95.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { getLlama, LlamaCompletion, LlamaLogLevel } from 'node-llama-cpp';
import WebSocket from 'ws';
import { createPromptRenderer } from '../electron/services/inference/promptRenderer';
import { defaultThreadCount } from '../electron/services/inference/threads';
import type { MessageRecord } from '../electron/shared/records';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'max-tokens': { type: 'string', default: '256' },
    threads: { type: 'string' },
    ctx: { type: 'string', default: '2048' },
  },
});
function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}
const root = path.resolve(import.meta.dirname, '..');
const modelPath = path.resolve(values.model ?? path.join(root, 'models', 'test-qwen2-tiny.gguf'));
const runs = Number(values.runs);
const maxTokens = Number(values['max-tokens']);
const contextSize = Number(values.ctx);
if (!Number.isInteger(runs) || runs < 1) fail('--runs must be a positive whole number.');
if (!Number.isInteger(maxTokens) || maxTokens < 2) fail('--max-tokens must be a whole number ≥ 2.');
const question = 'A company had revenue of 1,400 and operating profit of 210. What is its operating margin? 营业利润率是多少？';
const seed = 1234;
const temperature = 0.6;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface RunResult {
  tokens: number;
  tokensPerSec: number;
  ttftMs: number;
}

// ── raw: node-llama-cpp in this process ──────────────────────────────────────────────────────────────────────
const llama = await getLlama({ gpu: 'auto', build: 'never', logLevel: LlamaLogLevel.error });
const threads = values.threads !== undefined ? Number(values.threads) : defaultThreadCount({ cpuMathCores: llama.cpuMathCores, availableParallelism: os.availableParallelism() });
const model = await llama.loadModel({ modelPath }).catch((e: Error) => fail(`cannot load ${modelPath}: ${e.message}`));
const context = await model.createContext({ contextSize: Math.min(contextSize, model.trainContextSize || contextSize), threads, sequences: 1 });
const sequence = context.getSequence();
const render = createPromptRenderer(model);
const { tokens: promptTokens } = render([{ role: 'user', content: question }]);

async function runRaw(): Promise<RunResult> {
  // Like the inference process: no clearHistory(); LlamaCompletion reuses the evaluated prompt prefix.
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const start = performance.now();
  let first: number | null = null;
  let count = 0;
  await completion.generateCompletion(promptTokens, {
    maxTokens,
    temperature,
    topK: 20,
    topP: 0.95,
    seed,
    disableContextShift: true,
    onToken: (t) => {
      count += t.length;
      first ??= performance.now();
    },
    // The pipeline decodes text too; do the same work here.
    onTextChunk: () => undefined,
  });
  const end = performance.now();
  completion.dispose();
  return { tokens: count, tokensPerSec: ((count - 1) * 1000) / (end - (first ?? end)), ttftMs: (first ?? end) - start };
}

// ── pipeline: dianjin serve + WebSocket client ───────────────────────────────────────────────────────────────
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dianjin-bench-'));
const serve = spawn(process.execPath, [path.join(root, 'bin', 'dianjin.js'), 'serve', '--json', '--port', '0', '--model', modelPath], {
  env: { ...process.env, DIANJIN_HOME: dataDir },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const info = await new Promise<{ port: number; token: string }>((resolve, reject) => {
  readline.createInterface({ input: serve.stdout! }).on('line', (line) => {
    try {
      resolve(JSON.parse(line));
    } catch {
      /* not JSON */
    }
  });
  serve.on('exit', (code) => reject(new Error(`dianjin serve exited (${code})`)));
});
async function call(method: string, input: unknown) {
  const res = await fetch(`http://127.0.0.1:${info.port}/api/call/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const envelope = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
  if (!envelope.ok) throw new Error(envelope.error?.message);
  return envelope.value;
}
await call('settings.update', { load: { threads, contextSize }, sampling: { maxTokens, temperature, topK: 20, topP: 0.95, seed, minP: 0, repeatPenalty: 1 } });
await call('models.select', { path: modelPath });
const ws = new WebSocket(`ws://127.0.0.1:${info.port}/api/ws?token=${info.token}`);
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

let streamId = 0;
function runPipeline(): Promise<RunResult> {
  const id = `bench-${++streamId}`;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let first: number | null = null;
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as { id: string; chunk?: { type: string }; end?: { ok: boolean; value?: MessageRecord; error?: { message: string } } };
      if (message.id !== id) return;
      if (message.chunk?.type === 'delta') first ??= performance.now();
      if (message.end) {
        const end = performance.now();
        ws.off('message', onMessage);
        if (!message.end.ok || !message.end.value) return reject(new Error(message.end.error?.message ?? 'stream failed'));
        const tokens = message.end.value.completionTokens ?? 0;
        resolve({ tokens, tokensPerSec: ((tokens - 1) * 1000) / (end - (first ?? end)), ttftMs: (first ?? end) - start });
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ op: 'stream', id, method: 'chat.send', input: { question } }));
  });
}

const raw: RunResult[] = [];
const pipeline: RunResult[] = [];
try {
  // One warm-up of each, then interleaved measured runs.
  await runRaw();
  await runPipeline();
  for (let i = 0; i < runs; i++) {
    raw.push(await runRaw());
    pipeline.push(await runPipeline());
    process.stderr.write(
      `run ${i + 1}: raw ${raw.at(-1)!.tokensPerSec.toFixed(1)} tok/s (${raw.at(-1)!.tokens} tokens, ttft ${raw.at(-1)!.ttftMs.toFixed(1)} ms) · pipeline ${pipeline.at(-1)!.tokensPerSec.toFixed(1)} tok/s (${pipeline.at(-1)!.tokens} tokens, ttft ${pipeline.at(-1)!.ttftMs.toFixed(1)} ms)\n`,
    );
  }
} finally {
  ws.close();
  serve.kill('SIGTERM');
  await context.dispose();
  await model.dispose();
  rmSync(dataDir, { recursive: true, force: true });
}

const rawTokensPerSec = median(raw.map((r) => r.tokensPerSec));
const pipelineTokensPerSec = median(pipeline.map((r) => r.tokensPerSec));
console.log(
  JSON.stringify({
    ratio: Number((pipelineTokensPerSec / rawTokensPerSec).toFixed(4)),
    pipelineTokensPerSec: Number(pipelineTokensPerSec.toFixed(2)),
    rawTokensPerSec: Number(rawTokensPerSec.toFixed(2)),
    ttftMs: Number(median(pipeline.map((r) => r.ttftMs)).toFixed(1)),
    rawTtftMs: Number(median(raw.map((r) => r.ttftMs)).toFixed(1)),
    runs,
    maxTokens,
    threads,
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    model: path.basename(modelPath),
    promptTokens: promptTokens.length,
  }),
);
process.exit(0);
