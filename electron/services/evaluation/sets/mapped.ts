import type { EvalItem } from '../../../shared/evaluation';
import type { RawRecord } from './records';

/** One record read as an item, or why it could not be (the import skips it with a warning naming its line). */
export type Mapped = { ok: true; item: EvalItem } | { ok: false; reason: string };

export const skip = (reason: string): Mapped => ({ ok: false, reason });

/** The record's own id when it has one (string or number), else null. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The id of a record without one: its line in a JSONL file, its 1-based position in a JSON array. */
export const fallbackId = (record: RawRecord): string => String(record.line ?? record.index + 1);
