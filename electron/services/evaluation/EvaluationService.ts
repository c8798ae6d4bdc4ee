/**
 * Runs evaluation sets on a model and keeps the results: one run at a time (others wait in a queue), each item
 * generated with the DianJin-R1 prompt, scored the moment it finishes and saved, so pausing, a crash or a killed
 * process loses at most the item in flight; `resume` runs what is left (and items that failed). A judge pass, when
 * asked for, grades free-text answers afterwards with a chosen model, and every result it decided says so.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import Papa from 'papaparse';
import { AppError } from '../../shared/errors';
import type { AppEvent } from '../../shared/api';
import type {
  EvalExport,
  EvalExportFormat,
  EvalItem,
  EvalResultRow,
  EvalRunDetail,
  EvalRunInput,
  EvalRunSummary,
  EvalSampling,
  EvalSetSummary,
  EvalTarget,
} from '../../shared/evaluation';
import type { SamplingSettings } from '../../shared/records';
import type { ChatEngine } from '../engines/ChatEngine';
import type { EventHub } from '../events/EventHub';
import { JobQueue, type ActiveJob } from '../jobs/JobQueue';
import { fileSlug } from '../paths/fileSlug';
import { splitReasoning } from '../reasoning';
import type { EvaluationRepository, StoredRun } from './EvaluationRepository';
import { extractAnswer, judgeTurns, parseJudgeVerdict, scoreOutput, summarizeResults } from './scoring';
import { evalTurns, loadSampleSet, readEvalSetFile, type ParsedEvalSet } from './sets';

/** DianJin-R1's sampling (temperature 0.6, top-p 0.95), Qwen2.5's top-k, room for a long reasoning trace. */
export const defaultEvalSampling: Required<EvalSampling> = { temperature: 0.6, topP: 0.95, topK: 20, maxTokens: 4096, seed: 42 };

/** Tasks whose answers a judge grades when the run has one (the paper graded FinQA with GPT-4o). */
const JUDGED_TASKS = new Set(['finqa', 'open']);

/** A model ready to answer, and how to let go of it. */
export interface EvalEngine {
  engine: ChatEngine;
  dispose(): Promise<void>;
}

/** What a target is called in lists and charts, found without loading it. */
export interface TargetDescription {
  modelName: string;
  quantization: string | null;
  adapterName: string | null;
}

export interface EvaluationServiceOptions {
  repository: EvaluationRepository;
  events: EventHub<AppEvent>;
  /** Starts the target's engine: a local model in an inference process of its own, or a remote engine. */
  openEngine: (target: EvalTarget, contextSize: number | null, signal: AbortSignal) => Promise<EvalEngine>;
  describeTarget: (target: EvalTarget) => Promise<TargetDescription>;
  /** Errors that stop a run (the model will not load, the engine refuses); others fail one item and the run goes on. */
  isFatal?: (error: AppError) => boolean;
  now?: () => number;
}

/** The model or engine cannot serve at all: retrying the next item would fail the same way. */
function isFatalError(error: AppError): boolean {
  return /^(MODEL_|LORA_)/.test(error.code) || ['INFERENCE_UNAVAILABLE', 'BACKEND_UNAVAILABLE', 'ENGINE_UNREACHABLE', 'ENGINE_UNAUTHORIZED'].includes(error.code);
}

/** When this session of the run started and how many items it finished, for the ETA. */
interface RunState {
  startedAt: number;
  finishedThisSession: number;
}

type ActiveRun = ActiveJob<RunState>;

export class EvaluationService {
  private readonly repo: EvaluationRepository;
  private readonly runs: JobQueue<RunState>;
  private readonly now: () => number;

  constructor(private readonly options: EvaluationServiceOptions) {
    this.repo = options.repository;
    this.now = options.now ?? Date.now;
    this.runs = new JobQueue<RunState>({
      prepare: () => ({ startedAt: this.now(), finishedThisSession: 0 }),
      execute: (run) => this.execute(run),
      failCode: 'INTERNAL',
      fail: (runId, error) => this.repo.setRunStatus(runId, 'failed', { code: error.code, message: error.message }),
      stopped: (runId) => this.emitProgress(runId, null),
    });
    // Runs a stopped process left behind keep their finished items and wait for `resume`.
    this.repo.pauseAbandoned();
  }

  // ── Sets ───────────────────────────────────────────────────────────────────────────────────────────────────
  listSets(): EvalSetSummary[] {
    return this.repo.listSets();
  }

  /** Imports a set file; the same items imported again are the same set (so its runs compare). */
  async importSet(filePath: string, name?: string): Promise<EvalSetSummary> {
    const parsed = await readEvalSetFile(filePath);
    return this.addParsed(parsed, name ?? parsed.suggestedName, path.basename(filePath));
  }

  /** The bundled sample set (added once; adding it again returns the same set). */
  async addSample(): Promise<EvalSetSummary> {
    const sample = await loadSampleSet();
    return this.addParsed(sample, sample.suggestedName, null);
  }

  private addParsed(parsed: ParsedEvalSet, name: string, fileName: string | null): EvalSetSummary {
    const hash = createHash('sha256').update(JSON.stringify(parsed.items)).digest('hex');
    const existing = this.repo.findSetByHash(hash);
    if (existing) return existing;
    const set = this.repo.addSet({ name, format: parsed.format, fileName, contentHash: hash, items: parsed.items, warnings: parsed.warnings });
    this.options.events.emit({ type: 'eval.changed' });
    return set;
  }

  removeSet(id: string): boolean {
    const removed = this.repo.removeSet(id);
    if (removed) this.options.events.emit({ type: 'eval.changed' });
    return removed;
  }

  setItems(id: string, offset: number, limit: number): { items: EvalItem[]; total: number } {
    const set = this.repo.getSet(id);
    return { items: this.repo.items(id, offset, limit), total: set.itemCount };
  }

  // ── Runs ───────────────────────────────────────────────────────────────────────────────────────────────────
  /** Plans a run (its items, after sample and limit), stores it and queues it. */
  async start(input: EvalRunInput): Promise<EvalRunSummary> {
    const set = this.repo.getSet(input.setId);
    const described = await this.options.describeTarget(input.target);
    if (input.judge) await this.options.describeTarget(input.judge);
    let items = this.repo.items(set.id).map((item) => item.id);
    if (input.sample) items = seededSample(items, input.sample.size, input.sample.seed);
    if (input.limit) items = items.slice(0, input.limit);
    const sampling = { ...defaultEvalSampling, ...stripUndefined(input.sampling ?? {}) };
    const label = input.label ?? [described.modelName, described.quantization, described.adapterName ? `+ ${described.adapterName}` : null].filter(Boolean).join(' ');
    const run = this.repo.createRun({
      setId: set.id,
      setName: set.name,
      label,
      target: input.target,
      judge: input.judge ?? null,
      sampling,
      contextSize: input.contextSize ?? null,
      ...described,
      status: 'queued',
      itemIds: items,
    });
    this.options.events.emit({ type: 'eval.changed' });
    this.runs.enqueue(run.id);
    return this.summary(run.id);
  }

  /** Continues a run that is not running: finished items are kept; the rest and the failed ones run. */
  resume(runId: string): EvalRunSummary {
    const run = this.repo.getRun(runId);
    if (run.status === 'running' || run.status === 'queued') throw new AppError('EVAL_RUN_ACTIVE', 'This run is already running or waiting its turn.', { runId });
    this.repo.setRunStatus(runId, 'queued');
    this.runs.enqueue(runId);
    return this.summary(runId);
  }

  /** Stops a run now: the answer in flight is dropped (that item runs again on resume); `resume` continues it. */
  async pause(runId: string): Promise<EvalRunSummary> {
    const run = this.repo.getRun(runId);
    if (this.runs.active?.id === runId) {
      await this.runs.abort();
    } else if (!this.runs.remove(runId, () => this.repo.setRunStatus(runId, 'paused'))) {
      // Neither queued nor running here: a row a stopped process left behind.
      if (run.status === 'running' || run.status === 'queued') this.repo.setRunStatus(runId, 'paused');
    }
    this.emitProgress(runId, null);
    return this.summary(runId);
  }

  async removeRun(runId: string): Promise<boolean> {
    this.repo.getRun(runId);
    if (this.runs.has(runId)) await this.pause(runId);
    const removed = this.repo.removeRun(runId);
    this.options.events.emit({ type: 'eval.changed' });
    return removed;
  }

  listRuns(): EvalRunSummary[] {
    return this.repo.listRuns().map((run) => this.toSummary(run, this.repo.rows(run.id)));
  }

  summary(runId: string): EvalRunSummary {
    return this.toSummary(this.repo.getRun(runId), this.repo.rows(runId));
  }

  detail(runId: string): EvalRunDetail {
    const rows = this.repo.rows(runId);
    return { ...this.toSummary(this.repo.getRun(runId), rows), rows };
  }

  result(runId: string, itemId: string) {
    this.repo.getRun(runId);
    return this.repo.result(runId, itemId);
  }

  /** Resolves when the run stops (complete, paused or failed). */
  whenSettled(runId: string): Promise<EvalRunSummary> {
    return this.runs.whenSettled(runId, () => this.summary(runId));
  }

  /** Pauses everything (the app is closing): the running item's answer is dropped, the rest resumes later. */
  async stopAll(): Promise<void> {
    await this.runs.stopAll((runId) => this.repo.setRunStatus(runId, 'paused'));
  }

  export(runId: string, format: EvalExportFormat): EvalExport {
    const summary = this.summary(runId);
    const results = this.repo.results(runId);
    const base = `eval-${fileSlug(summary.label, 'run')}-${new Date(summary.createdAt).toISOString().slice(0, 10)}`;
    if (format === 'json') {
      return { fileName: `${base}.json`, mimeType: 'application/json', content: JSON.stringify({ format: 'dianjin-eval-run/1', run: summary, items: results }, null, 2) };
    }
    const rows = results.map((r) => ({
      id: r.itemId,
      task: r.task,
      question: r.question,
      reference: r.reference,
      predicted: r.predicted ?? '',
      correct: r.correct === null ? '' : r.correct ? 1 : 0,
      format_ok: r.formatOk ? 1 : 0,
      judged: r.judged ? 1 : 0,
      completion_tokens: r.completionTokens ?? '',
      seconds: r.seconds === null ? '' : r.seconds.toFixed(2),
      error: r.error ?? '',
      answer: r.answer,
    }));
    // A byte-order mark so Excel opens the Chinese text as UTF-8.
    return { fileName: `${base}.csv`, mimeType: 'text/csv', content: '\ufeff' + Papa.unparse(rows) };
  }

  // ── The runner ─────────────────────────────────────────────────────────────────────────────────────────────
  private async execute(active: ActiveRun): Promise<void> {
    const { id: runId, controller } = active;
    const signal = controller.signal;
    const run = this.repo.getRun(runId);
    this.repo.setRunStatus(runId, 'running');
    this.emitProgress(runId, null);
    const finished = this.repo.finishedItemIds(runId);
    const todo = run.itemIds.filter((id) => !finished.has(id));
    if (todo.length > 0) {
      const byId = new Map(this.repo.items(run.setId).map((item) => [item.id, item]));
      const missing = todo.find((id) => !byId.has(id));
      if (missing) throw new AppError('EVAL_SET_NOT_FOUND', `The set "${run.setName}" was removed or changed, so the rest of this run cannot be run. Import the set again and start a new run.`);
      await this.generateAll(active, run, todo.map((id) => byId.get(id)!));
    }
    if (!signal.aborted && run.judge) await this.judgeAll(active, run);
    this.repo.setRunStatus(runId, signal.aborted ? 'paused' : 'complete');
  }

  private async generateAll(active: ActiveRun, run: StoredRun, items: EvalItem[]): Promise<void> {
    const signal = active.controller.signal;
    const { engine, dispose } = await this.options.openEngine(run.target, run.contextSize, signal);
    const seqOf = new Map(run.itemIds.map((id, seq) => [id, seq]));
    try {
      for (const item of items) {
        if (signal.aborted) return;
        const seq = seqOf.get(item.id)!;
        const write = await this.answer(engine, run, item, seq, signal);
        if (!write) return;
        this.repo.saveResult(run.id, write);
        active.state.finishedThisSession++;
        this.emitProgress(run.id, this.repo.row(run.id, item.id));
      }
    } finally {
      await dispose();
    }
  }

  /** Generates and scores one item; null when the run was paused mid-answer (nothing is saved for it). */
  private async answer(engine: ChatEngine, run: StoredRun, item: EvalItem, seq: number, signal: AbortSignal) {
    const sampling: SamplingSettings = { ...run.sampling, minP: 0, repeatPenalty: 1, seed: run.sampling.seed + seq };
    let raw = '';
    let startInReasoning = false;
    const started = this.now();
    try {
      const result = await engine.generate(evalTurns(item), sampling, {
        signal,
        onStarted: (info) => (startInReasoning = info.startInReasoning),
        onText: (text) => (raw += text),
      });
      if (signal.aborted || result.stopReason === 'abort') return null;
      // The template opened `<think>`: the output as the model wrote it starts inside it.
      const output = startInReasoning ? `<think>\n${raw}` : raw;
      const split = splitReasoning(output);
      const score = scoreOutput(item.task, item.reference, output);
      return {
        item,
        seq,
        output,
        reasoning: split.reasoning,
        answer: split.answer,
        predicted: score.predicted,
        correct: score.correct,
        formatOk: score.formatOk,
        judged: false,
        judgeOutput: null,
        promptTokens: result.stats.promptTokens,
        completionTokens: result.stats.completionTokens,
        seconds: (result.stats.durationMs ?? this.now() - started) / 1000,
        error: null,
      };
    } catch (error) {
      if (signal.aborted) return null;
      const appError = AppError.is(error) ? error : new AppError('INTERNAL', String(error));
      if ((this.options.isFatal ?? isFatalError)(appError)) throw appError;
      const output = startInReasoning ? `<think>\n${raw}` : raw;
      return {
        item,
        seq,
        output,
        reasoning: '',
        answer: '',
        predicted: null,
        correct: null,
        formatOk: false,
        judged: false,
        judgeOutput: null,
        promptTokens: null,
        completionTokens: null,
        seconds: (this.now() - started) / 1000,
        error: `${appError.code}: ${appError.message}`,
      };
    }
  }

  /** The judge grades finished free-text items (FinQA, open) it has not graded yet. */
  private async judgeAll(active: ActiveRun, run: StoredRun): Promise<void> {
    const signal = active.controller.signal;
    const pending = this.repo.unjudged(run.id).filter((r) => JUDGED_TASKS.has(r.task));
    if (pending.length === 0 || !run.judge) return;
    const { engine, dispose } = await this.options.openEngine(run.judge, run.contextSize, signal);
    try {
      for (const item of pending) {
        if (signal.aborted) return;
        let text = '';
        const predicted = extractAnswer(item.output).answerText;
        try {
          const result = await engine.generate(
            judgeTurns({ question: item.question, reference: item.reference, ...(item.context ? { context: item.context } : {}) }, predicted),
            { temperature: 0, topP: 1, topK: 1, minP: 0, repeatPenalty: 1, maxTokens: 1024, seed: 0 },
            { signal, onText: (t) => (text += t) },
          );
          if (signal.aborted || result.stopReason === 'abort') return;
        } catch (error) {
          if (signal.aborted) return;
          const appError = AppError.is(error) ? error : new AppError('INTERNAL', String(error));
          if (isFatalError(appError)) throw appError;
          text = `(judge failed: ${appError.message})`;
        }
        const verdict = parseJudgeVerdict(text);
        this.repo.saveJudgement(run.id, item.itemId, { correct: verdict, judgeOutput: text });
        this.emitProgress(run.id, this.repo.row(run.id, item.itemId));
      }
    } finally {
      await dispose();
    }
  }

  private toSummary(run: StoredRun, rows: EvalResultRow[]): EvalRunSummary {
    const planned = new Set(run.itemIds);
    const done = rows.filter((r) => planned.has(r.itemId)).length;
    const active = this.runs.activeState(run.id);
    const perItem = active && active.finishedThisSession > 0 ? (this.now() - active.startedAt) / active.finishedThisSession / 1000 : null;
    return {
      id: run.id,
      setId: run.setId,
      setName: run.setName,
      label: run.label,
      target: run.target,
      modelName: run.modelName,
      quantization: run.quantization,
      adapterName: run.adapterName,
      judge: run.judge,
      sampling: run.sampling,
      status: run.status,
      total: run.itemIds.length,
      done,
      etaSeconds: perItem === null ? null : Math.round(perItem * Math.max(0, run.itemIds.length - done)),
      error: run.error,
      stats: summarizeResults(rows),
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
    };
  }

  private emitProgress(runId: string, row: EvalResultRow | null): void {
    try {
      this.options.events.emit({ type: 'eval.progress', run: this.summary(runId), row });
    } catch {
      // The run was removed meanwhile: nothing to report.
    }
  }
}

/** A reproducible sample of `size` ids, kept in the set's order. */
export function seededSample(ids: readonly string[], size: number, seed: number): string[] {
  if (size >= ids.length) return [...ids];
  return seededPermutation(ids.length, seed)
    .slice(0, size)
    .sort((a, b) => a - b)
    .map((i) => ids[i]!);
}

/** A reproducible permutation of 0…n−1 (Fisher–Yates with mulberry32: tiny, fast, good enough to pick samples). */
export function seededPermutation(n: number, seed: number): number[] {
  let state = seed >>> 0 || 0x9e3779b9;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const indices = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
