/**
 * `npm run bench -- --model PATH [--runs N] [--max-tokens N] [--threads N]`
 *
 * Decodes the same prompt with the same settings two ways, interleaved:
 * - raw: node-llama-cpp directly in this process (LlamaCompletion on the same prompt tokens);
 * - pipeline: the whole product path — `dianjin serve` (a separate process) → inference process → chat service →
 *   WebSocket → this client, timed on the client as the deltas arrive.
 * Prints a table on stderr and, as the last line of stdout, one JSON object:
 * { ratio, pipelineTokensPerSec, rawTokensPerSec, ttftMs, rawTtftMs, runs, …, secondQuestion: { speedup, … } }.
 * Targets: ratio ≥ 0.95; secondQuestion.speedup ≥ 10 (first-token time of a second question about the same report).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { getLlama, LlamaCompletion, LlamaLogLevel } from 'node-llama-cpp';
import WebSocket from 'ws';
import { createPromptRenderer } from '../electron/services/inference/promptRenderer';
import { defaultThreadCount } from '../electron/services/inference/threads';
import type { MessageRecord } from '../electron/shared/records';
import { hasCjkFont, makeFinancialPdf } from '../electron/testing/documentFixtures';
import { generateTestModel } from '../models/testModel/generateTestModel';

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
interface StreamTiming<T> {
  value: T;
  start: number;
  firstDelta: number | null;
  end: number;
}
/** Runs one stream over the WebSocket, timing it on the client: start → first delta → end. */
function wsStream<T>(method: string, input: unknown): Promise<StreamTiming<T>> {
  const id = `bench-${++streamId}`;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstDelta: number | null = null;
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as { id: string; chunk?: { type: string }; end?: { ok: boolean; value?: T; error?: { message: string } } };
      if (message.id !== id) return;
      if (message.chunk?.type === 'delta') firstDelta ??= performance.now();
      if (message.end) {
        ws.off('message', onMessage);
        if (!message.end.ok || message.end.value === undefined) return reject(new Error(message.end.error?.message ?? 'stream failed'));
        resolve({ value: message.end.value, start, firstDelta, end: performance.now() });
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ op: 'stream', id, method, input }));
  });
}

async function runPipeline(): Promise<RunResult> {
  const { value, start, firstDelta, end } = await wsStream<MessageRecord>('chat.send', { question });
  const tokens = value.completionTokens ?? 0;
  return { tokens, tokensPerSec: ((tokens - 1) * 1000) / (end - (firstDelta ?? end)), ttftMs: (firstDelta ?? end) - start };
}

/**
 * The second question about the same report: a report is added to the library, a first question about it is asked
 * in a new conversation (the report is evaluated), then a second one in the same conversation (the evaluated report
 * prefix is reused). Time to first token on the client, each pair with a different report so the first is cold.
 */
async function runReportPair(index: number): Promise<{ firstTtftMs: number; secondTtftMs: number; promptTokens: number }> {
  const report = path.join(dataDir, `report-${index}.pdf`);
  writeFileSync(report, await makeFinancialPdf({ pages: 24 + 2 * index, chinese: hasCjkFont() }));
  const { value: batch } = await wsStream<{ added: { id: string }[] }>('docs.add', { paths: [report] });
  const documentId = batch.added[0]!.id;
  const settings = { modelPath: reportModel, sampling: { maxTokens: 16 }, load: { threads, contextSize: 16384 } };
  // An unrelated question first: loads the long-context model (outside the timing) and leaves no report in the context.
  await wsStream<MessageRecord>('chat.send', { question: `Unrelated warm-up ${index}`, ...settings, sampling: { maxTokens: 1 } });
  const first = await wsStream<MessageRecord>('chat.send', { question: 'What was net income in 2024? 2024年净利润是多少？', documentIds: [documentId], ...settings });
  const second = await wsStream<MessageRecord>('chat.send', { question: 'And the gross profit? 毛利是多少？', conversationId: first.value.conversationId, ...settings });
  const ttft = (t: StreamTiming<MessageRecord>) => (t.firstDelta ?? t.end) - t.start;
  return { firstTtftMs: ttft(first), secondTtftMs: ttft(second), promptTokens: first.value.promptTokens ?? 0 };
}

// The report scenario needs a long context, and a model whose weights — not attention over the cached report —
// dominate the cost of a token, as in real models (the 64-wide test model evaluates a whole report in milliseconds,
// so it cannot show prefix reuse): a generated 256-wide, 4-layer qwen2 with a 16k-token context.
const reportModel = path.join(root, 'models', '.cache', 'bench-report-qwen2-e256-l4-ctx16384.gguf');
if (!existsSync(reportModel)) {
  await generateTestModel({ outPath: reportModel, contextLength: 16384, embeddingLength: 256, blockCount: 4, feedForwardLength: 768, headCount: 4, headCountKv: 2, seed: 42 });
}

const raw: RunResult[] = [];
const pipeline: RunResult[] = [];
const reportPairs: { firstTtftMs: number; secondTtftMs: number; promptTokens: number }[] = [];
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
  for (let i = 0; i < 3; i++) {
    const pair = await runReportPair(i);
    reportPairs.push(pair);
    process.stderr.write(`report ${i + 1} (${pair.promptTokens} prompt tokens): first question TTFT ${pair.firstTtftMs.toFixed(1)} ms, second ${pair.secondTtftMs.toFixed(1)} ms (${(pair.firstTtftMs / pair.secondTtftMs).toFixed(1)}x)\n`);
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
    secondQuestion: {
      speedup: Number(median(reportPairs.map((p) => p.firstTtftMs / p.secondTtftMs)).toFixed(1)),
      firstTtftMs: Number(median(reportPairs.map((p) => p.firstTtftMs)).toFixed(1)),
      secondTtftMs: Number(median(reportPairs.map((p) => p.secondTtftMs)).toFixed(1)),
      reportPromptTokens: Math.round(median(reportPairs.map((p) => p.promptTokens))),
      target: 10,
    },
  }),
);
process.exit(0);
