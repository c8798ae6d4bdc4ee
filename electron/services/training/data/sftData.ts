/**
 * SFT examples in DianJin-R1's output format. An example is a question (with optional context) and the response the
 * model should give: `<think>\n{reasoning}\n</think>\n<answer>\n{answer}\n</answer>`, the final answer in `\boxed{}`
 * (added when the answer has none), which is the format DianJin-R1's SFT data and its GRPO format reward use. The
 * question side is asked with evaluation's prompt (`evalTurns`), so an evaluation run measures what was trained; the
 * `chat` prompt style asks the bare question, as the chat does.
 *
 * Reading is forgiving: a bad line is reported by number and skipped, never thrown; only a file with nothing usable is
 * refused (TRAIN_DATA_INVALID).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { EvalItem } from '../../../shared/evaluation';
import { SftItem, type PromptStyle } from '../../../shared/training';
import { extractAnswer } from '../../evaluation/scoring';
import { evalTurns, type EvalTurn } from '../../evaluation/sets';
import { decode } from '../../evaluation/sets/readEvalSetFile';

/** An example and where it came from (its line in a file, or its position in a list), 1-based. */
export interface NumberedSftItem {
  line: number;
  item: SftItem;
}

export interface ParsedSftData {
  items: NumberedSftItem[];
  /** Lines skipped, and why: `line 3: not JSON`. */
  errors: string[];
  /** Notes on lines kept: `line 5: no reasoning`. */
  warnings: string[];
}

/** At most this many errors and warnings are listed; a last one counts the rest. */
export const MAX_NOTES = 200;
/** Largest training file read (DianJin-R1-Data's SFT files are ~130 MB). */
export const MAX_SFT_FILE_BYTES = 300 * 1024 * 1024;
/** An answer boxed whole longer than this gets a warning: the box should hold the final value, not a paragraph. */
const LONG_BOXED_ANSWER = 120;

export const invalidData = (message: string, details?: Record<string, unknown>) => new AppError('TRAIN_DATA_INVALID', message, details);

/** Collects line-numbered notes, capped at MAX_NOTES (then one line saying how many more). */
class Notes {
  readonly list: string[] = [];
  private dropped = 0;
  add(note: string): void {
    if (this.list.length < MAX_NOTES) this.list.push(note);
    else this.dropped++;
  }
  done(): string[] {
    return this.dropped > 0 ? [...this.list, `… and ${this.dropped} more`] : this.list;
  }
}

const FIELD_ALIASES: Record<string, string[]> = {
  question: ['question', 'prompt', 'instruction', 'input'],
  reasoning: ['reasoning', 'reasoning_content', 'think', 'cot'],
  answer: ['answer', 'response', 'output', 'final_answer'],
};

function pick(record: Record<string, unknown>, field: string): unknown {
  for (const key of FIELD_ALIASES[field] ?? [field]) if (record[key] !== undefined && record[key] !== null) return record[key];
  return undefined;
}

/** Validates one example; returns the problem (for an error line) or the item and its notes. */
export function checkSftItem(raw: unknown): { item: SftItem; notes: string[] } | { problem: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'not a JSON object' };
  const record = raw as Record<string, unknown>;
  const question = pick(record, 'question');
  const answer = pick(record, 'answer');
  const reasoning = pick(record, 'reasoning');
  if (typeof question !== 'string' || question.trim() === '') return { problem: 'no question ("question" is missing or empty)' };
  if (answer === undefined || (typeof answer === 'string' && answer.trim() === '')) return { problem: 'empty answer ("answer" is missing or empty)' };
  if (typeof answer !== 'string' && typeof answer !== 'number') return { problem: '"answer" must be text' };
  if (reasoning !== undefined && typeof reasoning !== 'string') return { problem: '"reasoning" must be text' };
  const candidate = {
    question,
    reasoning: reasoning ?? '',
    answer: String(answer),
    ...(typeof record.context === 'string' && record.context.trim() !== '' ? { context: record.context } : {}),
    ...(typeof record.task === 'string' ? { task: record.task } : {}),
    ...(record.choices && typeof record.choices === 'object' && !Array.isArray(record.choices) ? { choices: record.choices } : {}),
  };
  const parsed = SftItem.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${issue.path.join('.') || 'item'}: ${issue.message}` };
  }
  const notes: string[] = [];
  if (parsed.data.reasoning.trim() === '') notes.push('no reasoning: the model learns to answer without thinking');
  if (!hasBox(parsed.data.answer) && parsed.data.answer.length > LONG_BOXED_ANSWER) notes.push('the whole answer was put in \\boxed{}; box only the final value');
  return { item: parsed.data, notes };
}

/** JSON lines (blank lines and a UTF-8 BOM ignored); a JSON array of objects is read too. */
export function parseSftJsonl(text: string): ParsedSftData {
  const errors = new Notes();
  const warnings = new Notes();
  const items: NumberedSftItem[] = [];
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trimStart();
  const records: Array<{ line: number; raw: unknown } | { line: number; error: string }> = [];
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(body) as unknown;
      if (Array.isArray(array)) array.forEach((raw, index) => records.push({ line: index + 1, raw }));
    } catch {
      records.push({ line: 1, error: 'not JSON (a JSON array that does not parse; use one JSON object per line)' });
    }
  } else {
    body.split(/\r?\n/).forEach((content, index) => {
      if (content.trim() === '') return;
      try {
        records.push({ line: index + 1, raw: JSON.parse(content) as unknown });
      } catch {
        records.push({ line: index + 1, error: 'not JSON' });
      }
    });
  }
  for (const record of records) {
    if ('error' in record) {
      errors.add(`line ${record.line}: ${record.error}`);
      continue;
    }
    const checked = checkSftItem(record.raw);
    if ('problem' in checked) {
      errors.add(`line ${record.line}: ${checked.problem}`);
      continue;
    }
    for (const note of checked.notes) warnings.add(`line ${record.line}: ${note}`);
    items.push({ line: record.line, item: checked.item });
  }
  return { items, errors: errors.done(), warnings: warnings.done() };
}

/** Reads an SFT JSONL file; refuses a missing, oversized or undecodable file, or one with no usable line. */
export async function readSftFile(filePath: string, maxBytes = MAX_SFT_FILE_BYTES): Promise<ParsedSftData> {
  const fileName = path.basename(filePath);
  const info = await stat(filePath).catch((error: NodeJS.ErrnoException) => {
    throw invalidData(error.code === 'ENOENT' ? `No training data at ${filePath}.` : `${filePath} cannot be read (${error.code ?? error.message}).`, { path: filePath });
  });
  if (!info.isFile()) throw invalidData(`${filePath} is a folder, not a JSONL file.`, { path: filePath });
  if (info.size > maxBytes) throw invalidData(`${fileName} is ${Math.round(info.size / 1024 ** 2)} MB; training files up to ${Math.round(maxBytes / 1024 ** 2)} MB are read. Split it.`, { path: filePath });
  let text: string;
  try {
    text = decode(await readFile(filePath), fileName);
  } catch (error) {
    throw invalidData(error instanceof Error ? error.message : String(error), { path: filePath });
  }
  const parsed = parseSftJsonl(text);
  assertUsable(parsed, fileName);
  return parsed;
}

/** Refuses data with nothing to train on, naming the first problems. */
export function assertUsable(parsed: ParsedSftData, what: string): void {
  if (parsed.items.length > 0) return;
  const first = parsed.errors.slice(0, 3).join('; ');
  throw invalidData(
    `${what} has no usable example${first ? ` (${first})` : ''}. Each line needs "question", "reasoning" and "answer" (the final answer text), optionally "context".`,
    { errors: parsed.errors },
  );
}

export const hasBox = (answer: string): boolean => extractAnswer(answer).boxed !== null;

/** The answer with `\boxed{}` around it when it has none. */
export function boxedAnswer(answer: string): string {
  const trimmed = answer.trim();
  return hasBox(trimmed) ? trimmed : `\\boxed{${trimmed}}`;
}

/** The response as trained, `<think>` included (the tokenizer drops it when the chat template already opened it). */
export function formatSftResponse(item: Pick<SftItem, 'reasoning' | 'answer'>): string {
  return `<think>\n${item.reasoning.trim()}\n</think>\n<answer>\n${boxedAnswer(item.answer)}\n</answer>`;
}

/** The prompt's turns: evaluation's system prompt and per-task instruction (`dianjin`), or the bare question (`chat`). */
export function sftTurns(item: SftItem, style: PromptStyle): EvalTurn[] {
  if (style === 'chat') {
    const context = item.context?.trim();
    return [{ role: 'user', content: context ? `${context}\n\n${item.question}` : item.question }];
  }
  const evalItem: EvalItem = {
    id: 'sft',
    task: item.task ?? 'open',
    question: item.question,
    reference: item.answer,
    ...(item.context ? { context: item.context } : {}),
    ...(item.choices ? { choices: item.choices } : {}),
  };
  return evalTurns(evalItem);
}
