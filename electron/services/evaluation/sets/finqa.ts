/**
 * FinQA (github.com/czyssrs/FinQA, dataset/*.json): `pre_text` and `post_text` (sentence lists), `table` (rows of
 * cells, the first row the header), `qa.question`, `qa.exe_ans` (the executed answer, the reference) and `qa.answer`
 * (the written one, a fallback), `id`. The same objects one a line (JSONL), and the flattened copies some mirrors
 * publish (`question`, `answer`/`exe_ans` at the top level), read the same way.
 */
import type { RawRecord } from './records';
import { fallbackId, idOf, skip, type Mapped } from './mapped';
import { cleanText, textOf } from './text';

export function looksLikeFinQa(r: Record<string, unknown>): boolean {
  return (typeof r.qa === 'object' && r.qa !== null) || Array.isArray(r.pre_text) || Array.isArray(r.post_text) || (Array.isArray(r.table) && 'question' in r);
}

export function mapFinQa(record: RawRecord): Mapped {
  const r = record.value;
  const qa = typeof r.qa === 'object' && r.qa !== null && !Array.isArray(r.qa) ? (r.qa as Record<string, unknown>) : r;
  const question = cleanText(textOf(qa.question));
  if (question === '') return skip('"qa.question" is empty');
  const reference = textOf(qa.exe_ans) || textOf(qa.answer);
  if (reference === '') return skip('no answer ("qa.exe_ans" and "qa.answer" are empty)');
  const context = finQaContext(r);
  const id = idOf(r.id) ?? idOf(r.uid) ?? fallbackId(record);
  return { ok: true, item: { id, task: 'finqa', question, reference, ...(context ? { context } : {}) } };
}

/** pre_text, the table as Markdown, post_text: the report excerpt the question is about. */
export function finQaContext(r: Record<string, unknown>): string {
  const parts = [sentences(r.pre_text), Array.isArray(r.table) ? markdownTable(r.table) : textOf(r.table), sentences(r.post_text)];
  return parts.filter((p) => p !== '').join('\n\n');
}

function sentences(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (!Array.isArray(value)) return '';
  // FinQA's sentence lists keep stray "." tokens where the PDF extraction split a line.
  return value
    .map(textOf)
    .filter((s) => s !== '' && s !== '.')
    .join('\n');
}

/** Rows of cells as a Markdown table, the first row the header; ragged rows are padded, `|` escaped. */
export function markdownTable(rows: unknown[]): string {
  const cells = rows.filter(Array.isArray).map((row) => (row as unknown[]).map((c) => textOf(c).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')));
  if (cells.length === 0) return '';
  const width = Math.max(...cells.map((r) => r.length));
  if (width === 0) return '';
  const pad = (r: string[]): string[] => [...r, ...Array<string>(width - r.length).fill('')];
  const line = (r: string[]): string => `| ${pad(r).join(' | ')} |`;
  const [header, ...body] = cells;
  return [line(header!), `|${' --- |'.repeat(width)}`, ...body.map(line)].join('\n');
}
