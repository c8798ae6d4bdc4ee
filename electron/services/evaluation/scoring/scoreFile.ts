import { EVAL_TASKS, type EvalTask } from '../../../shared/evaluation';
import { scoreOutput } from './scoreOutput';

/**
 * `dianjin eval score FILE`: JSONL of outputs that already exist, one `{ id, task, reference, output }` per line.
 * A bad line is reported with its number and skipped, never fatal: a long file with one broken line is still worth
 * scoring.
 */

export interface ScoreFileItem {
  id: string;
  task: EvalTask;
  reference: string;
  output: string;
  /** 1-based line number in the file. */
  line: number;
}

export interface ScoredFileItem {
  id: string;
  task: EvalTask;
  correct: boolean;
  formatOk: boolean;
  predicted: string | null;
}

export interface ScoreFileTaskSummary {
  n: number;
  correct: number;
  accuracy: number;
}

export interface ScoreFileResult {
  items: ScoredFileItem[];
  /** Only the tasks the file has. */
  summary: Partial<Record<EvalTask, ScoreFileTaskSummary>>;
  errors: string[];
}

const TASK_LIST = `${EVAL_TASKS.slice(0, -1).join(', ')} or ${EVAL_TASKS.at(-1)!}`;

/** Reads the file's lines; blank lines are skipped, bad ones reported ("line 3: not JSON"). */
export function parseScoreFile(text: string): { items: ScoreFileItem[]; errors: string[] } {
  const items: ScoreFileItem[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '') return;
      const parsed = parseLine(raw, line);
      if (typeof parsed === 'string') {
        errors.push(`line ${line}: ${parsed}`);
        return;
      }
      const first = seen.get(parsed.id);
      if (first !== undefined) {
        errors.push(`line ${line}: id "${parsed.id}" repeats line ${first}; skipped`);
        return;
      }
      seen.set(parsed.id, line);
      items.push(parsed);
    });
  return { items, errors };
}

/** One line as an item, or what is wrong with it. */
function parseLine(raw: string, line: number): ScoreFileItem | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const id = scalarText(record.id);
  if (id === null || id === '') return 'id is missing (a string or a number)';
  const task = record.task;
  if (typeof task !== 'string' || !(EVAL_TASKS as readonly string[]).includes(task)) return `task must be ${TASK_LIST}`;
  // FinQA's exe_ans is a JSON number; accept it as the reference it is.
  const reference = scalarText(record.reference);
  if (reference === null || reference.trim() === '') return 'reference is missing (a string or a number)';
  if (typeof record.output !== 'string') return 'output must be a string (the raw model text)';
  return { id, task: task as EvalTask, reference, output: record.output, line };
}

function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Parses and scores a file; the summary counts correct items per task. */
export function scoreFile(text: string): ScoreFileResult {
  const { items, errors } = parseScoreFile(text);
  const scored = items.map((item) => ({ id: item.id, task: item.task, ...scoreOutput(item.task, item.reference, item.output) }));
  const summary: Partial<Record<EvalTask, ScoreFileTaskSummary>> = {};
  for (const item of scored) {
    const s = (summary[item.task] ??= { n: 0, correct: 0, accuracy: 0 });
    s.n++;
    if (item.correct) s.correct++;
    s.accuracy = s.correct / s.n;
  }
  return { items: scored, summary, errors };
}
