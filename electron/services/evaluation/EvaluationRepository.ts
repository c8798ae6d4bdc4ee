/**
 * Evaluation sets, runs and per-item results in the app's SQLite database (tables from migration 5). Every result is
 * written the moment its item finishes, so a run that is paused, killed or crashes keeps what it finished.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type {
  EvalItem,
  EvalResultDetail,
  EvalResultRow,
  EvalRunStatus,
  EvalSampling,
  EvalSetFormat,
  EvalSetSummary,
  EvalTarget,
  EvalTask,
} from '../../shared/evaluation';

interface SetRow {
  id: string;
  name: string;
  format: string;
  file_name: string | null;
  content_hash: string | null;
  item_count: number;
  tasks_json: string;
  warnings_json: string;
  created_at: number;
}

interface ItemRow {
  item_id: string;
  task: string;
  question: string;
  reference: string;
  context: string | null;
  choices_json: string | null;
}

interface RunRow {
  id: string;
  set_id: string;
  set_name: string;
  label: string;
  target_json: string;
  judge_json: string | null;
  sampling_json: string;
  context_size: number | null;
  model_name: string;
  quantization: string | null;
  adapter_name: string | null;
  status: string;
  item_ids_json: string;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
}

interface ResultRow {
  item_id: string;
  seq: number;
  task: string;
  question: string;
  context: string | null;
  choices_json: string | null;
  reference: string;
  output: string;
  reasoning: string;
  answer: string;
  predicted: string | null;
  correct: number | null;
  format_ok: number;
  judged: number;
  judge_output: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  seconds: number | null;
  error: string | null;
}

/** A run as stored: what it was asked to do and where it stands. */
export interface StoredRun {
  id: string;
  setId: string;
  setName: string;
  label: string;
  target: EvalTarget;
  judge: EvalTarget | null;
  sampling: Required<EvalSampling>;
  contextSize: number | null;
  modelName: string;
  quantization: string | null;
  adapterName: string | null;
  status: EvalRunStatus;
  /** The planned items, in the order they run. */
  itemIds: string[];
  error: { code: string; message: string } | null;
  createdAt: number;
  updatedAt: number;
}

/** One finished item as the runner writes it. */
export interface ResultWrite {
  item: EvalItem;
  seq: number;
  output: string;
  reasoning: string;
  answer: string;
  predicted: string | null;
  correct: boolean | null;
  formatOk: boolean;
  judged: boolean;
  judgeOutput: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  seconds: number | null;
  error: string | null;
}

const QUESTION_PREVIEW = 160;
/** The columns of a result row in lists (no full texts). */
const ROW_COLUMNS = 'item_id, seq, task, question, reference, predicted, correct, format_ok, judged, completion_tokens, seconds, error';

export class EvaluationRepository {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  // ── Sets ───────────────────────────────────────────────────────────────────────────────────────────────────
  addSet(input: { name: string; format: EvalSetFormat; fileName: string | null; contentHash: string | null; items: EvalItem[]; warnings: string[] }): EvalSetSummary {
    const id = randomUUID();
    const tasks: Partial<Record<EvalTask, number>> = {};
    for (const item of input.items) tasks[item.task] = (tasks[item.task] ?? 0) + 1;
    const insertItem = this.db.prepare(
      'INSERT INTO eval_items (set_id, seq, item_id, task, question, reference, context, choices_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO eval_sets (id, name, format, file_name, content_hash, item_count, tasks_json, warnings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, input.name, input.format, input.fileName, input.contentHash, input.items.length, JSON.stringify(tasks), JSON.stringify(input.warnings), this.now());
      input.items.forEach((item, seq) =>
        insertItem.run(id, seq, item.id, item.task, item.question, item.reference, item.context ?? null, item.choices ? JSON.stringify(item.choices) : null),
      );
    })();
    return this.getSet(id);
  }

  findSetByHash(contentHash: string): EvalSetSummary | null {
    const row = this.db.prepare('SELECT * FROM eval_sets WHERE content_hash = ? ORDER BY created_at LIMIT 1').get(contentHash) as SetRow | undefined;
    return row ? toSetSummary(row) : null;
  }

  listSets(): EvalSetSummary[] {
    return (this.db.prepare('SELECT * FROM eval_sets ORDER BY created_at DESC').all() as SetRow[]).map(toSetSummary);
  }

  getSet(id: string): EvalSetSummary {
    const row = this.db.prepare('SELECT * FROM eval_sets WHERE id = ?').get(id) as SetRow | undefined;
    if (!row) throw new AppError('EVAL_SET_NOT_FOUND', 'This evaluation set does not exist. Import it again or pick another set.', { id });
    return toSetSummary(row);
  }

  removeSet(id: string): boolean {
    return this.db.prepare('DELETE FROM eval_sets WHERE id = ?').run(id).changes > 0;
  }

  items(setId: string, offset = 0, limit = -1): EvalItem[] {
    const rows = this.db.prepare('SELECT item_id, task, question, reference, context, choices_json FROM eval_items WHERE set_id = ? ORDER BY seq LIMIT ? OFFSET ?').all(setId, limit, offset) as ItemRow[];
    return rows.map(toItem);
  }

  // ── Runs ───────────────────────────────────────────────────────────────────────────────────────────────────
  createRun(run: Omit<StoredRun, 'id' | 'createdAt' | 'updatedAt' | 'error'>): StoredRun {
    const id = randomUUID();
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO eval_runs (id, set_id, set_name, label, target_json, judge_json, sampling_json, context_size, model_name, quantization, adapter_name,
           status, item_ids_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        run.setId,
        run.setName,
        run.label,
        JSON.stringify(run.target),
        run.judge ? JSON.stringify(run.judge) : null,
        JSON.stringify(run.sampling),
        run.contextSize,
        run.modelName,
        run.quantization,
        run.adapterName,
        run.status,
        JSON.stringify(run.itemIds),
        at,
        at,
      );
    return this.getRun(id);
  }

  getRun(id: string): StoredRun {
    const row = this.db.prepare('SELECT * FROM eval_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new AppError('EVAL_RUN_NOT_FOUND', 'This evaluation run does not exist; `dianjin eval list` shows the runs there are.', { id });
    return toRun(row);
  }

  listRuns(): StoredRun[] {
    return (this.db.prepare('SELECT * FROM eval_runs ORDER BY created_at DESC').all() as RunRow[]).map(toRun);
  }

  setRunStatus(id: string, status: EvalRunStatus, error: { code: string; message: string } | null = null): void {
    this.db.prepare('UPDATE eval_runs SET status = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?').run(status, error?.code ?? null, error?.message ?? null, this.now(), id);
  }

  /** Runs left 'running' or 'queued' by a process that stopped (killed, crashed, app quit) become 'paused'. */
  pauseAbandoned(): number {
    return this.db.prepare("UPDATE eval_runs SET status = 'paused', updated_at = ? WHERE status IN ('running', 'queued')").run(this.now()).changes;
  }

  removeRun(id: string): boolean {
    return this.db.prepare('DELETE FROM eval_runs WHERE id = ?').run(id).changes > 0;
  }

  // ── Results ────────────────────────────────────────────────────────────────────────────────────────────────
  saveResult(runId: string, r: ResultWrite): void {
    const at = this.now();
    this.db
      .prepare(
        `INSERT OR REPLACE INTO eval_results (run_id, item_id, seq, task, question, context, choices_json, reference, output, reasoning, answer, predicted,
           correct, format_ok, judged, judge_output, prompt_tokens, completion_tokens, seconds, error, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        r.item.id,
        r.seq,
        r.item.task,
        r.item.question,
        r.item.context ?? null,
        r.item.choices ? JSON.stringify(r.item.choices) : null,
        r.item.reference,
        r.output,
        r.reasoning,
        r.answer,
        r.predicted,
        r.correct === null ? null : r.correct ? 1 : 0,
        r.formatOk ? 1 : 0,
        r.judged ? 1 : 0,
        r.judgeOutput,
        r.promptTokens,
        r.completionTokens,
        r.seconds,
        r.error,
        at,
      );
    this.db.prepare('UPDATE eval_runs SET updated_at = ? WHERE id = ?').run(at, runId);
  }

  /** A judge's grading of a finished item. */
  saveJudgement(runId: string, itemId: string, judgement: { correct: boolean | null; judgeOutput: string }): void {
    this.db
      .prepare('UPDATE eval_results SET correct = COALESCE(?, correct), judged = ?, judge_output = ?, updated_at = ? WHERE run_id = ? AND item_id = ?')
      .run(judgement.correct === null ? null : judgement.correct ? 1 : 0, judgement.correct === null ? 0 : 1, judgement.judgeOutput, this.now(), runId, itemId);
  }

  rows(runId: string): EvalResultRow[] {
    return (this.db.prepare(`SELECT ${ROW_COLUMNS} FROM eval_results WHERE run_id = ? ORDER BY seq`).all(runId) as ResultRow[]).map(toResultRow);
  }

  /** One item's row (what a progress event carries), or null before it has a result. */
  row(runId: string, itemId: string): EvalResultRow | null {
    const row = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM eval_results WHERE run_id = ? AND item_id = ?`).get(runId, itemId) as ResultRow | undefined;
    return row ? toResultRow(row) : null;
  }

  /** Ids of items with a saved result that did not fail (failed ones run again on resume). */
  finishedItemIds(runId: string): Set<string> {
    const rows = this.db.prepare('SELECT item_id FROM eval_results WHERE run_id = ? AND error IS NULL').all(runId) as Array<{ item_id: string }>;
    return new Set(rows.map((r) => r.item_id));
  }

  /** Finished items a judge has not graded yet. */
  unjudged(runId: string): EvalResultDetail[] {
    const rows = this.db.prepare('SELECT * FROM eval_results WHERE run_id = ? AND error IS NULL AND judged = 0 AND judge_output IS NULL ORDER BY seq').all(runId) as ResultRow[];
    return rows.map(toResultDetail);
  }

  result(runId: string, itemId: string): EvalResultDetail {
    const row = this.db.prepare('SELECT * FROM eval_results WHERE run_id = ? AND item_id = ?').get(runId, itemId) as ResultRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `Item "${itemId}" has no result in this run yet.`, { runId, itemId });
    return toResultDetail(row);
  }

  results(runId: string): EvalResultDetail[] {
    return (this.db.prepare('SELECT * FROM eval_results WHERE run_id = ? ORDER BY seq').all(runId) as ResultRow[]).map(toResultDetail);
  }
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toSetSummary(row: SetRow): EvalSetSummary {
  return {
    id: row.id,
    name: row.name,
    format: row.format as EvalSetFormat,
    fileName: row.file_name,
    itemCount: row.item_count,
    tasks: parseJson(row.tasks_json, {}),
    createdAt: row.created_at,
    warnings: parseJson(row.warnings_json, []),
  };
}

function toItem(row: ItemRow): EvalItem {
  const choices = parseJson<Record<string, string> | null>(row.choices_json, null);
  return {
    id: row.item_id,
    task: row.task as EvalTask,
    question: row.question,
    reference: row.reference,
    ...(row.context !== null ? { context: row.context } : {}),
    ...(choices ? { choices } : {}),
  };
}

function toRun(row: RunRow): StoredRun {
  return {
    id: row.id,
    setId: row.set_id,
    setName: row.set_name,
    label: row.label,
    target: parseJson(row.target_json, { kind: 'local', modelPath: '' } as EvalTarget),
    judge: parseJson<EvalTarget | null>(row.judge_json, null),
    sampling: parseJson(row.sampling_json, {} as Required<EvalSampling>),
    contextSize: row.context_size,
    modelName: row.model_name,
    quantization: row.quantization,
    adapterName: row.adapter_name,
    status: row.status as EvalRunStatus,
    itemIds: parseJson(row.item_ids_json, []),
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toResultRow(row: ResultRow): EvalResultRow {
  const preview = row.question.length > QUESTION_PREVIEW ? `${row.question.slice(0, QUESTION_PREVIEW - 1)}…` : row.question;
  return {
    itemId: row.item_id,
    task: row.task as EvalTask,
    questionPreview: preview,
    reference: row.reference,
    predicted: row.predicted,
    correct: row.correct === null ? null : row.correct === 1,
    formatOk: row.format_ok === 1,
    judged: row.judged === 1,
    completionTokens: row.completion_tokens,
    seconds: row.seconds,
    error: row.error,
  };
}

function toResultDetail(row: ResultRow): EvalResultDetail {
  return {
    ...toResultRow(row),
    question: row.question,
    context: row.context,
    choices: parseJson<Record<string, string> | null>(row.choices_json, null),
    output: row.output,
    reasoning: row.reasoning,
    answer: row.answer,
    judgeOutput: row.judge_output,
  };
}
