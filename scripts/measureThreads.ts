/**
 * Measures CPU prompt-eval time and decode speed against the context's thread count, to pick the default we pass to
 * node-llama-cpp (which, with no GPU, uses max(4, cpuMathCores) threads — 4 on a 2-core machine).
 *
 *   npx tsx scripts/measureThreads.ts [--runs 3] [--prompt-tokens 64] [--decode-tokens 64] [--max-decode-seconds 8]
 *                                     [--threads 1,2,4,default] [--skip-big] [--background-load 0.5]
 *                                     [--big-embd 512] [--big-layers 8]
 *
 * Models: models/test-qwen2-tiny.gguf (embd 64, 2 layers) and models/.cache/bench-qwen2-e512-l8.gguf (embd 512,
 * 8 layers, ff 1536, 8 heads / 2 kv heads; ~0.4 GB F32; `--big-embd N --big-layers N` for another size), both
 * generated if missing. Runs are interleaved (run 1 of every setting, then run 2, ...) so background load hits all
 * settings alike. Prints a table, then one JSON line.
 *
 * `--background-load D` runs one extra process that keeps a core busy a fraction D of the time (5 ms busy out of
 * every 5/D ms) during the measurement: a stand-in for the Electron UI rendering the token stream next to inference.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import { ensureTestModel, generateTestModel } from '../models/testModel/generateTestModel';
import { modelsCacheDir } from '../models/testModel/qwen2Vocab';

type ThreadSetting = number | 'default';

type RunResult = { promptMs: number; decodeTokens: number; decodeMs: number; threadsUsed: number };

type SettingSummary = {
  threads: string;
  threadsUsed: number;
  promptMs: number[];
  decodeTokensPerSecond: number[];
  medianPromptMs: number;
  medianDecodeTokensPerSecond: number;
};

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'prompt-tokens': { type: 'string', default: '64' },
    'decode-tokens': { type: 'string', default: '64' },
    'max-decode-seconds': { type: 'string', default: '8' },
    threads: { type: 'string', default: '1,2,4,default' },
    'skip-big': { type: 'boolean', default: false },
    'background-load': { type: 'string', default: '0' },
    'big-embd': { type: 'string', default: '512' },
    'big-layers': { type: 'string', default: '8' },
  },
});
const runs = Number(args.runs);
const promptTokenCount = Number(args['prompt-tokens']);
const decodeTokenCount = Number(args['decode-tokens']);
const maxDecodeMs = Number(args['max-decode-seconds']) * 1000;
const settings: ThreadSetting[] = args.threads.split(',').map((s) => (s === 'default' ? 'default' : Number(s)));

const backgroundLoad = Number(args['background-load']);

function startBackgroundLoad(duty: number): ChildProcess | undefined {
  if (!(duty > 0)) return undefined;
  const busyMs = 5;
  const idleMs = (busyMs / Math.min(duty, 1)) - busyMs;
  const source =
    `const tick = () => { const end = Date.now() + ${busyMs}; while (Date.now() < end); ` +
    (idleMs > 0 ? `setTimeout(tick, ${idleMs}); }; tick();` : `setImmediate(tick); }; tick();`);
  return spawn(process.execPath, ['-e', source], { stdio: 'ignore' });
}

const bigEmbd = Number(args['big-embd']);
const bigLayers = Number(args['big-layers']);
const bigModelPath = path.join(modelsCacheDir, `bench-qwen2-e${bigEmbd}-l${bigLayers}.gguf`);

async function ensureBigModel(): Promise<string> {
  if (existsSync(bigModelPath)) return bigModelPath;
  console.error(`generating ${bigModelPath} ...`);
  await generateTestModel({
    outPath: bigModelPath,
    seed: 42,
    embeddingLength: bigEmbd,
    blockCount: bigLayers,
    feedForwardLength: bigEmbd * 3,
    headCount: bigEmbd / 64, // head size 64
    headCountKv: 2,
    name: `DianJin Bench e${bigEmbd} l${bigLayers}`,
  });
  return bigModelPath;
}

function promptTokens(model: LlamaModel): Token[] {
  const turn =
    '<|im_start|>user\n请根据贵州茅台2023年年报，分析其营业收入、净利润和毛利率的变化，并与五粮液进行比较。<|im_end|>\n';
  const tokens: Token[] = [];
  while (tokens.length < promptTokenCount) tokens.push(...model.tokenize(turn, true));
  return tokens.slice(0, promptTokenCount);
}

async function measureOnce(model: LlamaModel, setting: ThreadSetting, prompt: Token[]): Promise<RunResult> {
  const context = await model.createContext({
    contextSize: 512,
    ...(setting === 'default' ? {} : { threads: setting }),
  });
  try {
    const sequence = context.getSequence();
    const head = prompt.slice(0, -1);
    const promptStart = performance.now();
    await sequence.evaluateWithoutGeneratingNewTokens(head);
    const promptMs = performance.now() - promptStart;

    // Each step evaluates one token (the prompt's last, then each generated one) and samples the next: a decode step.
    let decodeTokens = 0;
    const decodeStart = performance.now();
    for await (const token of sequence.evaluate(prompt.slice(-1), { temperature: 0 })) {
      void token;
      decodeTokens++;
      if (decodeTokens >= decodeTokenCount || performance.now() - decodeStart > maxDecodeMs) break;
    }
    const decodeMs = performance.now() - decodeStart;
    return { promptMs, decodeTokens, decodeMs, threadsUsed: context.idealThreads };
  } finally {
    await context.dispose();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measureModel(llama: Llama, modelPath: string): Promise<SettingSummary[]> {
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  try {
    const prompt = promptTokens(model);
    await measureOnce(model, 1, prompt); // warm-up: page in the weights, JIT the script
    const results = new Map<ThreadSetting, RunResult[]>(settings.map((s) => [s, []]));
    for (let run = 0; run < runs; run++) {
      // Rotate the order each round so no setting always runs first (after a quiet moment) or last.
      const order = settings.map((_, i) => settings[(i + run) % settings.length]!);
      for (const setting of order) {
        const result = await measureOnce(model, setting, prompt);
        results.get(setting)!.push(result);
        console.error(
          `  ${path.basename(modelPath)} run ${run + 1} threads=${setting}: prompt ${result.promptMs.toFixed(1)} ms, ` +
            `decode ${((result.decodeTokens / result.decodeMs) * 1000).toFixed(1)} tok/s (${result.decodeTokens} tokens)`,
        );
      }
    }
    return settings.map((setting) => {
      const list = results.get(setting)!;
      const promptMs = list.map((r) => round(r.promptMs));
      const decodeTokensPerSecond = list.map((r) => round((r.decodeTokens / r.decodeMs) * 1000));
      return {
        threads: String(setting),
        threadsUsed: list[0]!.threadsUsed,
        promptMs,
        decodeTokensPerSecond,
        medianPromptMs: round(median(promptMs)),
        medianDecodeTokensPerSecond: round(median(decodeTokensPerSecond)),
      };
    });
  } finally {
    await model.dispose();
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function printTable(name: string, rows: SettingSummary[]): void {
  const base = rows.find((r) => r.threads === '1');
  const load = backgroundLoad > 0 ? `, background load ${backgroundLoad * 100}% of a core` : '';
  console.log(`\n${name}  (prompt ${promptTokenCount - 1} tokens, decode up to ${decodeTokenCount} tokens, ${runs} runs${load})`);
  console.log('| threads | used | prompt ms (median) | prompt ms (runs) | decode tok/s (median) | decode tok/s (runs) | vs 1 thread |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const ratio = base ? (row.medianDecodeTokensPerSecond / base.medianDecodeTokensPerSecond).toFixed(3) + 'x' : '';
    console.log(
      `| ${row.threads} | ${row.threadsUsed} | ${row.medianPromptMs} | ${row.promptMs.join(', ')} | ` +
        `${row.medianDecodeTokensPerSecond} | ${row.decodeTokensPerSecond.join(', ')} | ${ratio} |`,
    );
  }
}

const llama = await getLlama({ gpu: false, logLevel: LlamaLogLevel.error });
const machine = {
  cpuMathCores: llama.cpuMathCores,
  availableParallelism: os.availableParallelism(),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  llamaMaxThreads: llama.maxThreads,
  loadAverageBefore: os.loadavg().map(round),
  node: process.version,
};
console.log(
  `cpuMathCores=${machine.cpuMathCores} availableParallelism=${machine.availableParallelism} cpus=${machine.cpus} ` +
    `llama.maxThreads=${machine.llamaMaxThreads} loadavg=${machine.loadAverageBefore.join('/')} (${machine.cpuModel})`,
);

const loadProcess = startBackgroundLoad(backgroundLoad);
const models = [{ name: 'tiny (embd 64, 2 layers)', path: await ensureTestModel() }];
if (!args['skip-big']) models.push({ name: `e${bigEmbd} (embd ${bigEmbd}, ${bigLayers} layers)`, path: await ensureBigModel() });

const report = [];
for (const model of models) {
  const rows = await measureModel(llama, model.path);
  printTable(model.name, rows);
  report.push({ model: model.name, path: path.relative(process.cwd(), model.path), results: rows });
}
await llama.dispose();
loadProcess?.kill();
console.log(
  '\n' +
    JSON.stringify({
      ...machine,
      loadAverageAfter: os.loadavg().map(round),
      runs,
      backgroundLoad,
      promptTokens: promptTokenCount - 1,
      decodeTokens: decodeTokenCount,
      models: report,
    }),
);
