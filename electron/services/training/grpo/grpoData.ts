/**
 * GRPO data: prompts with a reference answer, scored like evaluation items (JSONL with `question`, `answer` or
 * `reference`, and `task`: finqa, cflue, ccc or open; optional `id`, `context`, `choices`), read the way evaluation's
 * simple JSONL is (task aliases, cflue options by letter, ccc verdicts). As with SFT data, a bad line is reported by
 * number and skipped; only a file with nothing usable is refused (TRAIN_DATA_INVALID).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EVAL_TASKS } from '../../../shared/evaluation';
import { decode } from '../../evaluation/sets/readEvalSetFile';
import { mapSimple } from '../../evaluation/sets/simpleJsonl';
import { invalidData, MAX_NOTES } from '../data/sftData';
import type { GrpoItem } from './rewards';

export interface ParsedGrpoData {
  items: GrpoItem[];
  /** Lines skipped, and why: `line 3: not JSON`. */
  errors: string[];
}

/** Largest GRPO file read (prompts only: far smaller than SFT data). */
export const MAX_GRPO_FILE_BYTES = 100 * 1024 * 1024;

export function parseGrpoJsonl(text: string): ParsedGrpoData {
  const errors: string[] = [];
  let dropped = 0;
  const note = (message: string) => (errors.length < MAX_NOTES ? errors.push(message) : dropped++);
  const items: GrpoItem[] = [];
  const ids = new Set<string>();
  let index = 0;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((content, i) => {
      const line = i + 1;
      if (content.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(content);
      } catch {
        note(`line ${line}: not JSON`);
        return;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        note(`line ${line}: not a JSON object`);
        return;
      }
      const mapped = mapSimple({ value: value as Record<string, unknown>, line, index: index++, where: `line ${line}` });
      if (!mapped.ok) {
        note(`line ${line}: ${mapped.reason.replace(/"reference" is empty/, '"answer" (the reference) is empty')}`);
        return;
      }
      // Ids name a prompt in the groups the UI shows: keep them unique.
      let id = mapped.item.id;
      for (let n = 2; ids.has(id); n++) id = `${mapped.item.id}#${n}`;
      ids.add(id);
      items.push({ ...mapped.item, id });
    });
  return { items, errors: dropped > 0 ? [...errors, `… and ${dropped} more`] : errors };
}

/** Reads a GRPO JSONL file; refuses a missing, oversized or undecodable file, or one with no usable line. */
export async function readGrpoFile(filePath: string, maxBytes = MAX_GRPO_FILE_BYTES): Promise<ParsedGrpoData> {
  const fileName = path.basename(filePath);
  const info = await stat(filePath).catch((error: NodeJS.ErrnoException) => {
    throw invalidData(error.code === 'ENOENT' ? `No GRPO data at ${filePath}.` : `${filePath} cannot be read (${error.code ?? error.message}).`, { path: filePath });
  });
  if (!info.isFile()) throw invalidData(`${filePath} is a folder, not a JSONL file.`, { path: filePath });
  if (info.size > maxBytes) throw invalidData(`${fileName} is ${Math.round(info.size / 1024 ** 2)} MB; GRPO files up to ${Math.round(maxBytes / 1024 ** 2)} MB are read. Split it.`, { path: filePath });
  let text: string;
  try {
    text = decode(await readFile(filePath), fileName);
  } catch (error) {
    throw invalidData(error instanceof Error ? error.message : String(error), { path: filePath });
  }
  const parsed = parseGrpoJsonl(text);
  if (parsed.items.length === 0) {
    const first = parsed.errors.slice(0, 3).join('; ');
    throw invalidData(
      `${fileName} has no usable prompt${first ? ` (${first})` : ''}. Each line needs "question", "answer" (the reference) and "task" (${EVAL_TASKS.join(', ')}).`,
      { path: filePath, errors: parsed.errors },
    );
  }
  return parsed;
}
