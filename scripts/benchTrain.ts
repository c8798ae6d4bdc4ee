/**
 * `npm run bench:train [-- --quick] [--no-reference] [--threads 1,2] [--steps N]`
 *
 * Training throughput and memory on a fixed tiny setup:
 * - trainer: the project's LoRA trainer (build/trainer/bin/dianjin-trainer, `npm run build:trainer`), SFT on a generated
 *   qwen2 model (F32, embedding 256, 4 layers, FFN 512, the real 151,936-token Qwen2 vocabulary, tied output head);
 * - llamaFinetune: llama.cpp's own `llama-finetune` (examples/training/finetune.cpp from the same bundle; a full F32
 *   fine-tune through llama_opt_*, every tensor trained) on the same model and the same token stream, as a reference.
 *   Built once by scripts/buildLlamaFinetune.mjs (~8 min on 2 cores) when absent, unless --no-reference is given.
 *
 * Both see 256-token windows, one optimizer step (AdamW) per window, at each thread count (1 and the app's default,
 * max(1, cores - 1); --threads overrides). Tokens/s is the median over the steps after warm-up (the trainer's own
 * per-step `tokensPerSecond`; for llama-finetune, 256 tokens over the time between its per-step progress lines). Memory:
 * the trainer's `peakMemoryBytes` and, for both, the child's max RSS (GNU `/usr/bin/time -v`, else /proc VmHWM polled).
 * Progress goes to stderr; a summary and, as the last line of stdout, one JSON object:
 * { trainer, llamaFinetune, ratio, rollout, setup } — ratio = trainer tokens/s ÷ llama-finetune tokens/s at the
 * default thread count.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';
import { defaultThreadCount } from '../electron/services/inference/threads';
import { generateTestModel } from '../models/testModel/generateTestModel';
import { ensureQuantizedRolloutBenchModel, measureRollouts, type RolloutMeasurement } from './benchRollouts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-reference': { type: 'boolean', default: false },
    threads: { type: 'string' },
    steps: { type: 'string' },
  },
  strict: true,
});
function fail(message: string): never {
  process.stderr.write(`bench:train: ${message}\n`);
  process.exit(1);
}
const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench:train ${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

const root = path.resolve(import.meta.dirname, '..');
const exeSuffix = process.platform === 'win32' ? '.exe' : '';
const trainerBinary = path.join(root, 'build', 'trainer', 'bin', `dianjin-trainer${exeSuffix}`);
const finetuneBinary = path.join(root, 'build', 'llama-finetune', 'bin', `llama-finetune${exeSuffix}`);
const benchDir = path.join(root, 'build', 'bench-train');

// ── the fixed setup ───────────────────────────────────────────────────────────────────────────────────────────
const windowTokens = 256;
const modelShape = { embeddingLength: 256, blockCount: 4, feedForwardLength: 512, headCount: 4, headCountKv: 2, seed: 7 };
const steps = values.steps !== undefined ? Number(values.steps) : values.quick ? 8 : 24;
if (!Number.isInteger(steps) || steps < 3) fail('--steps must be a whole number ≥ 3.');
const warmupSteps = values.quick ? 2 : 3;
const trainerJob = { rank: 8, alpha: 16, lr: 2e-4 }; // all seven target modules (the trainer's default)
const finetuneLr = 1e-5; // llama-finetune's default

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const mib = (bytes: number | null) => (bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

/** Runs a build script, echoing its progress (stderr) to ours; resolves to its exit code. */
function runBuild(script: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', script), '--jobs', '2'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
}

const gnuTime = existsSync('/usr/bin/time') && (await new Promise<boolean>((resolve) => {
  const probe = spawn('/usr/bin/time', ['-v', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  probe.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  probe.on('error', () => resolve(false));
  probe.on('close', () => resolve(/Maximum resident set size/.test(text)));
}));

type ChildRun = { code: number | null; signal: NodeJS.Signals | null; maxRssBytes: number | null; wallSeconds: number; stderrTail: string };

/**
 * Runs a program to completion and measures its peak resident memory: through GNU time's rusage report when present
 * (exact), else by polling /proc/<pid>/status VmHWM (Linux; misses at most the last poll interval).
 */
function runMeasured(command: string, args: string[], handlers: { stdoutLine?(line: string): void; stderrText?(text: string): void }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = gnuTime
      ? spawn('/usr/bin/time', ['-v', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const t0 = performance.now();
    let stderr = '';
    let stdoutPending = '';
    let polledPeak: number | null = null;
    const poll = gnuTime || process.platform !== 'linux' ? null : setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (match) polledPeak = Math.max(polledPeak ?? 0, Number(match[1]) * 1024);
      } catch { /* exited */ }
    }, 100);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutPending += chunk.toString();
      const lines = stdoutPending.split('\n');
      stdoutPending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) handlers.stdoutLine?.(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-20_000);
      handlers.stderrText?.(text);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      if (stdoutPending.trim()) handlers.stdoutLine?.(stdoutPending);
      const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const exit = /Command exited with non-zero status (\d+)/.exec(stderr);
      resolve({
        code: gnuTime && exit ? Number(exit[1]) : code,
        signal,
        maxRssBytes: timed ? Number(timed[1]) * 1024 : polledPeak,
        wallSeconds: (performance.now() - t0) / 1000,
        stderrTail: stderr.slice(-3000),
      });
    });
  });
}

type ThroughputRun = {
  threads: number;
  tokensPerSecond: number;
  stepSeconds: number;
  steps: number;
  measuredSteps: number;
  maxRssBytes: number | null;
  lossFirst: number | null;
  lossLast: number | null;
  wallSeconds: number;
};
type TrainerRun = ThroughputRun & { peakMemoryBytes: number | null };

// ── model and data ────────────────────────────────────────────────────────────────────────────────────────────
await mkdir(benchDir, { recursive: true });
const shapeKey = `e${modelShape.embeddingLength}-l${modelShape.blockCount}-f${modelShape.feedForwardLength}-c${windowTokens}-s${modelShape.seed}`;
const modelPath = path.join(benchDir, `qwen2-${shapeKey}.gguf`);
if (!existsSync(modelPath)) {
  log(`generating ${path.relative(root, modelPath)}`);
  const partial = `${modelPath}.${process.pid}.partial`;
  // contextLength = the window: llama_opt_epoch iterates over the model's training context, not the context's n_ctx.
  await generateTestModel({ outPath: partial, ...modelShape, contextLength: windowTokens, name: 'DianJin Bench Train' });
  await rename(partial, modelPath);
}
const modelBytes = (await stat(modelPath)).size;

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
const autoThreads = defaultThreadCount({ cpuMathCores: llama.cpuMathCores, availableParallelism: os.availableParallelism() });
const threadCounts = values.threads !== undefined
  ? values.threads.split(',').map((t) => Number(t.trim()))
  : [...new Set([1, autoThreads])];
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1)) fail('--threads must be a comma-separated list of positive whole numbers.');
const headlineThreads = threadCounts.includes(autoThreads) ? autoThreads : threadCounts[0]!;

/** Deterministic analyst-style prose (en + zh), so both programs train on the same, tokeniser-friendly text. */
function syntheticText(minChars: number): string {
  let state = 20250611;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const companies = ['Huaxin Bank', 'Jinlong Securities', 'Pacific Insurance', 'Dongfang Energy', 'Tianyu Retail', '招商银行', '中信证券', '平安保险', '宁德时代', '贵州茅台'];
  const parts: string[] = [];
  let length = 0;
  while (length < minChars) {
    const company = pick(companies);
    const year = 2015 + Math.floor(next() * 10);
    const revenue = Math.round(500 + next() * 9500);
    const profit = Math.round(revenue * (0.03 + next() * 0.25));
    const growth = (next() * 30 - 8).toFixed(1);
    const sentence = /[\u4e00-\u9fff]/.test(company)
      ? pick([
        `${company}${year}年营业收入${revenue}亿元，同比增长${growth}%，净利润${profit}亿元，净利率${((profit / revenue) * 100).toFixed(2)}%。`,
        `根据${year}年年报，${company}的营业利润为${profit}亿元，资产负债率为${(40 + next() * 50).toFixed(1)}%，经营活动现金流量净额为${Math.round(profit * 1.3)}亿元。`,
      ])
      : pick([
        `${company} reported revenue of ${revenue} million yuan in ${year}, a change of ${growth}% from the year before, and a net profit of ${profit} million, a net margin of ${((profit / revenue) * 100).toFixed(2)}%.`,
        `In its ${year} annual report, ${company} disclosed an operating profit of ${profit} million yuan, a debt-to-asset ratio of ${(40 + next() * 50).toFixed(1)}% and operating cash flow of ${Math.round(profit * 1.3)} million.`,
      ]);
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join(' ');
}

const vocabModel = await llama.loadModel({ modelPath, vocabOnly: true });
// The trainer takes `steps` windows (one per step); llama-finetune takes overlapping windows with a stride of half a
// window (common_opt_dataset_init), so it needs (steps · 128 + 257) tokens for the same number of steps.
const finetuneTokensWanted = steps * (windowTokens / 2) + windowTokens + 1 + 48;
let stream = vocabModel.tokenize(syntheticText(steps * windowTokens * 2));
for (let chars = steps * windowTokens * 4; stream.length < steps * windowTokens; chars *= 2) stream = vocabModel.tokenize(syntheticText(chars));
const sequences = Array.from({ length: steps }, (_, i) => stream.slice(i * windowTokens, (i + 1) * windowTokens));
const finetuneText = vocabModel.detokenize(stream.slice(0, finetuneTokensWanted));
const finetuneTokens = vocabModel.tokenize(finetuneText).length;
const finetuneSteps = Math.floor((finetuneTokens - windowTokens - 1) / (windowTokens / 2));
const embeddingDims = vocabModel.fileInfo.tensorInfo?.find((t) => t.name === 'token_embd.weight')?.dimensions;
const vocabularySize = embeddingDims?.[1] !== undefined ? Number(embeddingDims[1]) : undefined;
await vocabModel.dispose();

const work = await mkdtemp(path.join(os.tmpdir(), 'dianjin-bench-train-'));
const dataPath = path.join(work, 'train.jsonl');
const textPath = path.join(work, 'train.txt');
// No weights: every token but the first weighs 1, the same plain next-token loss llama-finetune computes.
await writeFile(dataPath, sequences.map((tokens) => JSON.stringify({ tokens })).join('\n') + '\n');
await writeFile(textPath, finetuneText);

// ── (a) the project's LoRA trainer ────────────────────────────────────────────────────────────────────────────
if (!existsSync(trainerBinary)) {
  log('dianjin-trainer is not built; building it (npm run build:trainer, 2 jobs)');
  if ((await runBuild('buildTrainer.mjs')) !== 0) fail('building dianjin-trainer failed (output above).');
}

async function runTrainer(threads: number): Promise<TrainerRun> {
  const jobPath = path.join(work, `job-${threads}.json`);
  await writeFile(jobPath, JSON.stringify({
    model: modelPath, data: dataPath, out: path.join(work, `adapter-${threads}.gguf`),
    contextLength: windowTokens, steps, threads, seed: 42, ...trainerJob,
  }));
  type Step = { step: number; loss: number; tokensPerSecond: number; stepSeconds: number; peakMemoryBytes: number };
  const stepMessages: Step[] = [];
  let error: string | null = null;
  let peakMemoryBytes: number | null = null;
  const run = await runMeasured(trainerBinary, ['train', '--config', jobPath], {
    stdoutLine(line) {
      const message = JSON.parse(line) as { type: string } & Partial<Step> & { message?: string };
      if (message.type === 'step') {
        stepMessages.push(message as Step);
        log(`  trainer ${threads}t step ${message.step}/${steps}: loss ${message.loss?.toFixed(3)}, ${message.tokensPerSecond?.toFixed(1)} tok/s`);
      }
      if (message.type === 'error') error = message.message ?? 'unknown error';
      if (typeof message.peakMemoryBytes === 'number') peakMemoryBytes = Math.max(peakMemoryBytes ?? 0, message.peakMemoryBytes);
    },
  });
  if (run.code !== 0 || error !== null) fail(`dianjin-trainer failed (${error ?? `exit ${run.code ?? run.signal}`}):\n${run.stderrTail}`);
  const measured = stepMessages.slice(warmupSteps);
  return {
    threads,
    tokensPerSecond: round(median(measured.map((s) => s.tokensPerSecond))),
    stepSeconds: round(median(measured.map((s) => s.stepSeconds)), 3),
    steps: stepMessages.length,
    measuredSteps: measured.length,
    peakMemoryBytes,
    maxRssBytes: run.maxRssBytes,
    lossFirst: stepMessages[0] ? round(stepMessages[0].loss, 3) : null,
    lossLast: stepMessages.at(-1) ? round(stepMessages.at(-1)!.loss, 3) : null,
    wallSeconds: round(run.wallSeconds),
  };
}

// ── (b) llama.cpp's llama-finetune, the reference ─────────────────────────────────────────────────────────────
let referenceSkipped: string | null = null;
if (values['no-reference']) referenceSkipped = 'not run: --no-reference was given';
else if (!existsSync(finetuneBinary)) {
  log('llama-finetune is not built; building it once (scripts/buildLlamaFinetune.mjs, 2 jobs, about 8 minutes on 2 cores)');
  const code = await runBuild('buildLlamaFinetune.mjs');
  if (code !== 0 || !existsSync(finetuneBinary)) referenceSkipped = `not run: building llama-finetune failed (exit ${code}); see the output above`;
}

const finetuneArgs = (threads: number) => [
  '-m', modelPath, '-f', textPath, '-o', path.join(work, `finetuned-${threads}.gguf`),
  '-c', String(windowTokens), '-b', String(windowTokens), '-ub', String(windowTokens),
  '-t', String(threads), '-tb', String(threads), '-fa', 'off',
  '--epochs', '1', '-val-split', '0', '-lr', String(finetuneLr), '-opt', 'adamw',
];

async function runFinetune(threads: number): Promise<ThroughputRun | string> {
  // ggml-opt's progress bar writes one "train: [...] data=… loss=…" segment (ended by \r) after every optimizer step.
  const stepTimes: number[] = [];
  const losses: number[] = [];
  let pending = '';
  const run = await runMeasured(finetuneBinary, finetuneArgs(threads), {
    stderrText(text) {
      const now = performance.now();
      pending += text;
      const segments = pending.split(/[\r\n]/);
      pending = segments.pop() ?? '';
      for (const segment of segments) {
        const match = /^train: \[.*\] data=\d+\/\d+ loss=([0-9.eE+-]+|nan|inf)/.exec(segment.trim());
        if (!match) continue;
        stepTimes.push(now);
        losses.push(Number(match[1]));
        log(`  llama-finetune ${threads}t step ${stepTimes.length}/${finetuneSteps}: running loss ${Number(match[1]).toFixed(3)}`);
      }
    },
  });
  if (run.code !== 0) return `llama-finetune failed (exit ${run.code ?? run.signal}): ${run.stderrTail.split('\n').slice(-6).join(' | ')}`;
  if (stepTimes.length < warmupSteps + 2) return `llama-finetune reported only ${stepTimes.length} steps; expected ${finetuneSteps}`;
  // The first interval ends at the second step; step 1's own time (graph build, allocation) is not visible and is
  // part of the warm-up anyway.
  const intervals = stepTimes.slice(1).map((t, i) => (t - stepTimes[i]!) / 1000).slice(warmupSteps - 1);
  const stepSeconds = median(intervals);
  return {
    threads,
    tokensPerSecond: round(windowTokens / stepSeconds),
    stepSeconds: round(stepSeconds, 3),
    steps: stepTimes.length,
    measuredSteps: intervals.length,
    maxRssBytes: run.maxRssBytes,
    // ggml-opt reports the running mean over the epoch so far, not the step's own loss.
    lossFirst: round(losses[0]!, 3),
    lossLast: round(losses.at(-1)!, 3),
    wallSeconds: round(run.wallSeconds),
  };
}

// ── run, interleaved per thread count ─────────────────────────────────────────────────────────────────────────
const loadBefore = os.loadavg()[0]!;
const trainerRuns: TrainerRun[] = [];
const finetuneRuns: ThroughputRun[] = [];
for (const threads of threadCounts) {
  log(`dianjin-trainer LoRA SFT, ${threads} thread(s), ${steps} steps of ${windowTokens} tokens`);
  trainerRuns.push(await runTrainer(threads));
  if (referenceSkipped) continue;
  log(`llama-finetune full F32 fine-tune, ${threads} thread(s), ${finetuneSteps} steps of ${windowTokens} tokens`);
  const result = await runFinetune(threads);
  if (typeof result === 'string') {
    referenceSkipped = `not run: ${result}`;
    log(result);
  } else finetuneRuns.push(result);
}
const loadAfter = os.loadavg()[0]!;

// ── (c) rollout throughput (issue 9, GRPO): a group of 8 answers sampled in parallel as 8 sequences of one context
// vs one at a time (target ≥ 3x), through the inference process (scripts/benchRollouts.ts). Headline: a model of
// Qwen2.5-0.5B's shape in Q8_0, whose weights do not stay in cache (the regime of a quantized DianJin-R1 GGUF); also
// the F32 training model above, which fits in cache (compute-bound: batching gains least there).
const rolloutRuns: RolloutMeasurement[] = [];
let rolloutSkipped: string | null = null;
try {
  const quantizedModel = await ensureQuantizedRolloutBenchModel();
  const plan = [
    ...threadCounts.map((threads) => ({ model: quantizedModel, threads })),
    ...(values.quick ? [] : [{ model: modelPath, threads: headlineThreads }]),
  ];
  for (const { model, threads } of plan) {
    log(`rollouts: ${path.basename(model)}, a group of 8 (96 tokens each) in parallel vs one at a time, ${threads} thread(s)`);
    rolloutRuns.push(await measureRollouts({ modelPath: model, threads, n: 8, maxTokens: 96, runs: values.quick ? 1 : 3, onProgress: (line) => log(`  ${line}`) }));
  }
} catch (error) {
  rolloutSkipped = `not run: ${error instanceof Error ? error.message : String(error)}`;
  log(rolloutSkipped);
}
const rolloutHeadline = rolloutRuns.find((r) => r.threads === headlineThreads) ?? rolloutRuns[0];
const rollout = rolloutSkipped || !rolloutHeadline ? null : { ...rolloutHeadline, runs: rolloutRuns };

await rm(work, { recursive: true, force: true });

// ── report ────────────────────────────────────────────────────────────────────────────────────────────────────
const headline = <T extends { threads: number }>(runs: T[]) => runs.find((r) => r.threads === headlineThreads) ?? runs[0] ?? null;
const trainer = headline(trainerRuns)!;
const reference = referenceSkipped ? null : headline(finetuneRuns);
const ratio = reference ? round(trainer.tokensPerSecond / reference.tokensPerSecond, 2) : null;
const parameters = modelShape.blockCount * (
  2 * modelShape.embeddingLength ** 2 + 2 * modelShape.embeddingLength * (modelShape.embeddingLength / modelShape.headCount) * modelShape.headCountKv
  + 3 * modelShape.embeddingLength * modelShape.feedForwardLength
) + (vocabularySize ?? 0) * modelShape.embeddingLength;

const setup = {
  model: {
    architecture: 'qwen2', type: 'F32', ...modelShape, vocabularySize: vocabularySize ?? null, contextLength: windowTokens,
    approxParameters: parameters, fileBytes: modelBytes, tiedOutputHead: true,
  },
  windowTokens, steps, warmupSteps, trainSequences: sequences.length,
  trainer: { binary: path.relative(root, trainerBinary), mode: 'LoRA SFT, frozen base', targets: 'all seven', ...trainerJob, optimizer: 'AdamW', gradAccumulation: 1 },
  llamaFinetune: {
    binary: path.relative(root, finetuneBinary), mode: 'full F32 fine-tune (all tensors)', optimizer: 'AdamW', lr: finetuneLr,
    textTokens: finetuneTokens, stepsExpected: finetuneSteps,
    args: finetuneArgs(headlineThreads).map((arg) => (arg.startsWith(work) ? path.basename(arg) : arg.startsWith(root) ? path.relative(root, arg) : arg)),
  },
  threads: threadCounts, autoThreads, cores: os.availableParallelism(), cpuMathCores: llama.cpuMathCores, cpu: os.cpus()[0]?.model ?? null,
  memoryMeasuredBy: gnuTime ? '/usr/bin/time -v' : '/proc/<pid>/status VmHWM (polled)',
  loadAverage1m: { before: round(loadBefore, 2), after: round(loadAfter, 2) },
  quick: values.quick,
};

const lines = [
  `bench:train — qwen2 F32, embd ${modelShape.embeddingLength}, ${modelShape.blockCount} layers, FFN ${modelShape.feedForwardLength}, vocab ${vocabularySize}; ${windowTokens}-token windows, median over steps ${warmupSteps + 1}–${steps}`,
  ...trainerRuns.map((r) => `  dianjin-trainer (LoRA r${trainerJob.rank}) ${r.threads}t: ${r.tokensPerSecond} tok/s (${r.stepSeconds} s/step), peak ${mib(r.peakMemoryBytes)} (max RSS ${mib(r.maxRssBytes)}), loss ${r.lossFirst} → ${r.lossLast}`),
  ...(referenceSkipped ? [`  llama-finetune: ${referenceSkipped}`] : finetuneRuns.map((r) => `  llama-finetune (full F32)   ${r.threads}t: ${r.tokensPerSecond} tok/s (${r.stepSeconds} s/step), max RSS ${mib(r.maxRssBytes)}, running loss ${r.lossFirst} → ${r.lossLast}`)),
  ...(ratio !== null ? [`  ratio (trainer ÷ llama-finetune tokens/s, ${headlineThreads}t): ${ratio}`] : []),
  ...(rolloutSkipped ? [`  rollouts: ${rolloutSkipped}`] : rolloutRuns.map((r) => `  rollouts ${r.model} (group of ${r.n}, ${r.maxTokens} tokens) ${r.threads}t: parallel ${round(r.parallel.sequencesPerSecond, 2)} seq/s, one at a time ${round(r.sequential.sequencesPerSecond, 2)} seq/s, speedup ${round(r.speedup, 2)}x`)),
  `  load average (1 min) ${setup.loadAverage1m.before} → ${setup.loadAverage1m.after}`,
];
console.log(lines.join('\n'));
console.log(JSON.stringify({
  trainer: { ...trainer, runs: trainerRuns },
  llamaFinetune: reference ? { ...reference, runs: finetuneRuns } : null,
  ...(referenceSkipped ? { llamaFinetuneSkipped: referenceSkipped } : {}),
  ratio,
  rollout,
  setup,
}));
