/**
 * Reads an evaluation set from its text, whatever the file is called: the records' fields say which format it is
 * (FinQA, CFLUE, DianJin-R1-Data or the simple JSONL), each record becomes an item or a line-numbered warning, exact
 * repeats are dropped and clashing ids renamed. Ends in EVAL_SET_INVALID when nothing is usable.
 */
import type { EvalItem, EvalSetFormat, EvalTask } from '../../../shared/evaluation';
import { looksLikeCflue, mapCflue } from './cflue';
import { looksLikeAlpaca, mapDianJinRecord, taskFromFileName } from './dianjinR1Data';
import { invalidSet } from './errors';
import { looksLikeFinQa, mapFinQa } from './finqa';
import type { Mapped } from './mapped';
import { readRecords, type RawRecord } from './records';
import { looksLikeSimple, mapSimple } from './simpleJsonl';

export interface ParsedEvalSet {
  format: EvalSetFormat;
  items: EvalItem[];
  /** Line-numbered notes (`Line 7: not JSON`), at most MAX_WARNINGS and a count of the rest. */
  warnings: string[];
  /** A name for the set: the file's name without its extension. */
  suggestedName: string;
}

/** Warnings kept per import; a file with thousands of bad lines says how many more there were. */
export const MAX_WARNINGS = 200;

/** What a record looks like; CFLUE's application tasks are Alpaca records too, told apart by their `sub_task`. */
type Shape = 'jsonl' | 'finqa' | 'cflue' | 'cflue-application' | 'dianjin-r1-data';

/** Tie order when a file mixes shapes equally: the project's own format first. */
const SHAPES: readonly Shape[] = ['jsonl', 'finqa', 'cflue', 'dianjin-r1-data', 'cflue-application'];

function shapeOf(r: Record<string, unknown>): Shape | null {
  if (looksLikeSimple(r)) return 'jsonl';
  if (looksLikeFinQa(r)) return 'finqa';
  if (looksLikeAlpaca(r)) return 'sub_task' in r ? 'cflue-application' : 'dianjin-r1-data';
  if (looksLikeCflue(r)) return 'cflue';
  return null;
}

const FORMAT_OF: Record<Shape, EvalSetFormat> = {
  jsonl: 'jsonl',
  finqa: 'finqa',
  cflue: 'cflue',
  'cflue-application': 'cflue',
  'dianjin-r1-data': 'dianjin-r1-data',
};

export function parseEvalSet(text: string, fileName: string): ParsedEvalSet {
  const read = readRecords(text, fileName);
  const shape = dominantShape(read.records, fileName);
  const mapper = mapperFor(shape, fileName);

  const warnings = [...read.warnings];
  const items: EvalItem[] = [];
  const byContent = new Map<string, string>();
  const byId = new Map<string, string>();
  let repeats = 0;
  const skippedLines: number[] = [];

  for (const record of read.records) {
    const mapped = mapper(record);
    if (!mapped.ok) {
      warnings.push(`${record.where}: ${mapped.reason}`);
      if (record.line !== null) skippedLines.push(record.line);
      continue;
    }
    const item = mapped.item;
    const content = contentKey(item);
    const first = byContent.get(content);
    if (first !== undefined) {
      warnings.push(`${record.where}: repeats ${first.toLowerCase()}; skipped`);
      repeats++;
      continue;
    }
    byContent.set(content, record.where);
    const clash = byId.get(item.id);
    if (clash !== undefined) {
      const renamed = uniqueId(item.id, byId);
      warnings.push(`${record.where}: id ${JSON.stringify(item.id)} is already used by ${clash.toLowerCase()}; renamed ${JSON.stringify(renamed)}`);
      item.id = renamed;
    }
    byId.set(item.id, record.where);
    items.push(item);
  }

  if (items.length === 0) {
    const firstProblem = warnings[0] ?? 'no record has a question and an answer';
    throw invalidSet(`Nothing in ${fileName} is usable as an evaluation item (${firstProblem}).`, {
      fileName,
      format: FORMAT_OF[shape],
      ...(skippedLines.length > 0 ? { line: skippedLines[0], lines: skippedLines.slice(0, 20) } : {}),
      warnings: warnings.slice(0, 20),
    });
  }
  if (repeats > items.length) {
    throw invalidSet(`Most of ${fileName} repeats itself: ${repeats} of ${repeats + items.length} questions are copies of others. Check the file was exported once.`, {
      fileName,
      repeats,
      unique: items.length,
    });
  }

  return { format: FORMAT_OF[shape], items, warnings: capWarnings(warnings), suggestedName: suggestedName(fileName) };
}

function dominantShape(records: RawRecord[], fileName: string): Shape {
  const counts = new Map<Shape, number>();
  for (const r of records) {
    const s = shapeOf(r.value);
    if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best: Shape | null = null;
  for (const s of SHAPES) if ((counts.get(s) ?? 0) > (best ? counts.get(best)! : 0)) best = s;
  if (best === null) {
    const fields = Object.keys(records[0]?.value ?? {}).slice(0, 12);
    throw invalidSet(
      `${fileName} is not an evaluation set this app reads: its records have none of the fields of FinQA (qa, pre_text, table), CFLUE (question, choices, answer), DianJin-R1-Data (instruction, output) or the simple JSONL (task, question, reference).`,
      { fileName, fields },
    );
  }
  return best;
}

function mapperFor(shape: Shape, fileName: string): (record: RawRecord) => Mapped {
  switch (shape) {
    case 'jsonl':
      return mapSimple;
    case 'finqa':
      return mapFinQa;
    case 'cflue':
      return mapCflue;
    case 'cflue-application':
      return (r) => mapDianJinRecord(r, 'open');
    case 'dianjin-r1-data': {
      const fileTask: EvalTask | null = taskFromFileName(fileName);
      return (r) => mapDianJinRecord(r, fileTask);
    }
  }
}

const contentKey = (i: EvalItem): string => JSON.stringify([i.task, i.question, i.context ?? '', i.choices ?? null, i.reference]);

function uniqueId(id: string, taken: Map<string, string>): string {
  for (let n = 2; ; n++) {
    const candidate = `${id}#${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function capWarnings(warnings: string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_WARNINGS), `… and ${warnings.length - MAX_WARNINGS} more warnings`];
}

/** "data/finqa_test.json" → "finqa_test"; Windows separators too (the name may come from the renderer). */
export function suggestedName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const stem = base.replace(/\.(jsonl|json|txt|ndjson)$/i, '').trim();
  return stem === '' ? 'Evaluation set' : stem;
}
