/**
 * `dianjin eval score|run|resume|list|show|export|sets|import`: benchmarks from a terminal (same DIANJIN_HOME as
 * the app, so runs started here show in the app and the other way round). Progress goes to stderr; --json puts one
 * JSON object on the last stdout line.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../shared/errors';
import type { EvalResultRow, EvalRunInput, EvalRunSummary, EvalSetSummary, EvalTarget, EvalTask } from '../shared/evaluation';
import type { AppServices } from '../services/app';
import { scoreFile } from '../services/evaluation/scoring';
import { remoteModel } from './ask';
import { withServices } from './services';

const ctx = (signal: AbortSignal) => ({ signal, host: 'cli' as const });

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The shape `eval score` and `eval run` print: per item, and per task. */
function itemsAndSummary(rows: Array<{ itemId?: string; id?: string; task: EvalTask; correct: boolean | null; formatOk: boolean; predicted: string | null }>) {
  const items = rows.map((r) => ({ id: r.itemId ?? r.id ?? '', task: r.task, correct: r.correct === true, formatOk: r.formatOk, predicted: r.predicted }));
  const summary: Partial<Record<EvalTask, { n: number; correct: number; accuracy: number }>> = {};
  for (const r of rows) {
    if (r.correct === null) continue;
    const s = (summary[r.task] ??= { n: 0, correct: 0, accuracy: 0 });
    s.n++;
    if (r.correct) s.correct++;
    s.accuracy = s.correct / s.n;
  }
  return { items, summary };
}

export async function runEvalScore(file: string, options: { json?: boolean }): Promise<number> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new AppError('EVAL_SET_INVALID', `Cannot read ${file}: ${error.code === 'ENOENT' ? 'it does not exist' : error.message}.`);
  });
  const scored = scoreFile(text);
  for (const error of scored.errors) process.stderr.write(`dianjin: ${path.basename(file)}: ${error}\n`);
  if (scored.items.length === 0) throw new AppError('EVAL_SET_INVALID', `${file} has no line to score: each line needs id, task (finqa, cflue, ccc or open), reference and output.`);
  if (options.json) {
    process.stdout.write(JSON.stringify({ items: scored.items, summary: scored.summary, errors: scored.errors }) + '\n');
  } else {
    for (const [task, s] of Object.entries(scored.summary)) process.stdout.write(`${task}: ${s.correct}/${s.n} correct (${percent(s.accuracy)})\n`);
  }
  return scored.errors.length > 0 ? 1 : 0;
}

export interface EvalRunCliOptions {
  set: string;
  model?: string;
  engine?: string;
  engineModel?: string;
  lora?: string;
  loraScale?: number;
  limit?: number;
  sample?: number;
  seed?: number;
  maxTokens?: number;
  temperature?: number;
  ctx?: number;
  judgeModel?: string;
  judgeEngine?: string;
  judgeEngineModel?: string;
  label?: string;
  json?: boolean;
}

/** A set named by id, by the bundled "sample", or by a file (imported, or found again when it was imported before). */
async function resolveSet(services: AppServices, set: string): Promise<EvalSetSummary> {
  if (set === 'sample') return await services.evaluation.addSample();
  if (existsSync(set) && statSync(set).isFile()) return services.evaluation.importSet(path.resolve(set));
  const known = services.evaluation.listSets().find((s) => s.id === set || s.name === set);
  if (known) return known;
  throw new AppError('EVAL_SET_NOT_FOUND', `No evaluation set file or id "${set}". Give a FinQA/CFLUE/DianJin-R1-Data/JSONL file, "sample", or an id from \`dianjin eval sets\`.`);
}

async function targetOf(services: AppServices, kind: 'model' | 'judge', model: string | undefined, engine: string | undefined, engineModel: string | undefined, signal: AbortSignal): Promise<EvalTarget | null> {
  const flag = kind === 'model' ? '--model' : '--judge-model';
  if (model && engine) throw new AppError('INVALID_INPUT', `Give either ${flag} or ${kind === 'model' ? '--engine' : '--judge-engine'}, not both.`);
  if (model) return { kind: 'local', modelPath: path.resolve(model) };
  if (engine) return { kind: 'remote', baseUrl: engine, model: await remoteModel(services, engine, engineModel, signal) };
  return null;
}

/** Follows a run until it stops, printing progress; Ctrl-C pauses it (finished items are kept). */
async function follow(services: AppServices, runId: string, options: { json?: boolean }): Promise<number> {
  const tty = process.stderr.isTTY;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    process.stderr.write('\nPausing… finished items are kept.\n');
    void services.evaluation.pause(runId);
  };
  process.once('SIGINT', onSigint);
  const unsubscribe = services.events.subscribe((event) => {
    if (event.type !== 'eval.progress' || event.run.id !== runId) return;
    const { run, row } = event;
    const eta = run.etaSeconds !== null ? `, about ${formatSeconds(run.etaSeconds)} left` : '';
    const line = `${run.done}/${run.total} items${eta}${row ? ` — ${row.itemId} ${row.error ? `failed: ${row.error}` : row.correct ? 'correct' : 'wrong'}` : ''}`;
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
    else if (row) process.stderr.write(`${line}\n`);
  });
  try {
    const summary = await services.evaluation.whenSettled(runId);
    if (tty) process.stderr.write('\r\x1b[K');
    report(services, summary, options);
    if (summary.status === 'failed') process.stderr.write(`dianjin: the run failed: ${summary.error?.message ?? 'unknown error'} Resume it with \`dianjin eval resume ${runId}\`.\n`);
    if (summary.status === 'paused') process.stderr.write(`Paused. Resume with \`dianjin eval resume ${runId}\`.\n`);
    return interrupted ? 130 : summary.status === 'complete' ? 0 : 1;
  } finally {
    unsubscribe();
    process.off('SIGINT', onSigint);
  }
}

function report(services: AppServices, summary: EvalRunSummary, options: { json?: boolean }): void {
  const rows: EvalResultRow[] = services.evaluation.detail(summary.id).rows;
  if (options.json) {
    process.stdout.write(JSON.stringify({ runId: summary.id, status: summary.status, label: summary.label, set: summary.setName, ...itemsAndSummary(rows), stats: summary.stats }) + '\n');
    return;
  }
  process.stdout.write(`${summary.label} on ${summary.setName}: ${summary.status}, ${summary.done}/${summary.total} items\n`);
  for (const [task, s] of Object.entries(summary.stats.tasks)) {
    const judged = s.judged > 0 ? ` (${s.judged} judged)` : '';
    process.stdout.write(`  ${task}: ${s.correct}/${s.n} correct, ${percent(s.accuracy)} [95% CI ${percent(s.ci[0])}–${percent(s.ci[1])}], format ${percent(s.formatRate)}${judged}\n`);
  }
  const { meanCompletionTokens, meanSecondsPerItem, errors } = summary.stats;
  if (meanSecondsPerItem !== null) process.stdout.write(`  ${meanCompletionTokens?.toFixed(0) ?? '?'} tokens and ${meanSecondsPerItem.toFixed(1)} s per item${errors ? `, ${errors} failed` : ''}\n`);
}

function formatSeconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export async function runEvalRun(options: EvalRunCliOptions): Promise<number> {
  if (options.loraScale !== undefined && !options.lora) throw new AppError('INVALID_INPUT', '--lora-scale needs --lora ADAPTER.GGUF.');
  if (options.lora && !options.model) throw new AppError('INVALID_INPUT', '--lora applies to a local model: give --model BASE.gguf too.');
  return withServices(async (services) => {
    const signal = new AbortController().signal;
    const target = await targetOf(services, 'model', options.model, options.engine, options.engineModel, signal);
    if (!target) throw new AppError('INVALID_INPUT', 'Choose what to evaluate: --model PATH.gguf (local) or --engine URL (remote).');
    if (target.kind === 'local' && options.lora) target.lora = { path: path.resolve(options.lora), scale: options.loraScale ?? 1 };
    const judge = await targetOf(services, 'judge', options.judgeModel, options.judgeEngine, options.judgeEngineModel, signal);
    const set = await resolveSet(services, options.set);
    for (const warning of set.warnings) process.stderr.write(`dianjin: ${set.fileName ?? set.name}: ${warning}\n`);
    const input: EvalRunInput = {
      setId: set.id,
      target,
      ...(judge ? { judge } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
      ...(options.sample ? { sample: { size: options.sample, seed: options.seed ?? 0 } } : {}),
      ...(options.label ? { label: options.label } : {}),
      ...(options.ctx ? { contextSize: options.ctx } : {}),
      sampling: {
        ...(options.maxTokens ? { maxTokens: options.maxTokens } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      },
    };
    const run = (await services.dispatcher.call('eval.start', input, ctx(signal))) as EvalRunSummary;
    process.stderr.write(`Run ${run.id}: ${run.label} on ${set.name}, ${run.total} items.\n`);
    return follow(services, run.id, options);
  });
}

export async function runEvalResume(runId: string, options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const run = services.evaluation.resume(runId);
    process.stderr.write(`Resuming ${run.id}: ${run.done}/${run.total} items already finished.\n`);
    return follow(services, run.id, options);
  });
}

export async function runEvalList(options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const runs = services.evaluation.listRuns();
    if (options.json) {
      process.stdout.write(JSON.stringify({ runs }) + '\n');
      return 0;
    }
    if (runs.length === 0) process.stdout.write('No evaluation runs yet. Start one with `dianjin eval run --set FILE --model PATH`.\n');
    for (const r of runs) {
      const acc = r.stats.overall.n > 0 ? percent(r.stats.overall.accuracy) : '–';
      process.stdout.write(`${r.id}  ${r.status.padEnd(8)}  ${r.done}/${r.total}  ${acc}  ${r.label}  (${r.setName})\n`);
    }
    return 0;
  });
}

export async function runEvalShow(runId: string, options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    report(services, services.evaluation.summary(runId), options);
    return 0;
  });
}

export async function runEvalExport(runId: string, options: { format: 'json' | 'csv'; out?: string }): Promise<number> {
  return withServices(async (services) => {
    const exported = services.evaluation.export(runId, options.format);
    if (!options.out) {
      process.stdout.write(exported.content + (exported.content.endsWith('\n') ? '' : '\n'));
      return 0;
    }
    await writeFile(options.out, exported.content, 'utf8');
    process.stderr.write(`Wrote ${options.out}\n`);
    return 0;
  });
}

export async function runEvalSets(options: { json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const sets = services.evaluation.listSets();
    if (options.json) process.stdout.write(JSON.stringify({ sets }) + '\n');
    else if (sets.length === 0) process.stdout.write('No evaluation sets yet. Import one with `dianjin eval import FILE`, or use `--set sample`.\n');
    else for (const s of sets) process.stdout.write(`${s.id}  ${s.name}  ${s.itemCount} items  (${Object.entries(s.tasks).map(([t, n]) => `${t} ${n}`).join(', ')})\n`);
    return 0;
  });
}

export async function runEvalImport(file: string, options: { name?: string; json?: boolean }): Promise<number> {
  return withServices(async (services) => {
    const set = await services.evaluation.importSet(path.resolve(file), options.name);
    for (const warning of set.warnings) process.stderr.write(`dianjin: ${path.basename(file)}: ${warning}\n`);
    if (options.json) process.stdout.write(JSON.stringify(set) + '\n');
    else process.stdout.write(`${set.id}  ${set.name}  ${set.itemCount} items\n`);
    return 0;
  });
}
