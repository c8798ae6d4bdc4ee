/**
 * `dianjin trace check [--json] FILE`: checks reasoning traces from any engine. FILE is JSONL, one record a line:
 * { id, question, reasoning, answer, context? }. A malformed line is reported with its line number on stderr and the
 * rest are still checked (exit 1 at the end when any line was malformed).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import readline from 'node:readline';
import { z } from 'zod';
import { checkTrace } from '../services/inspector';
import { TraceInput, type TraceCheckResult } from '../shared/inspection';

const TraceRecord = TraceInput.extend({ id: z.union([z.string(), z.number()]).transform(String) });

export interface TraceCheckOptions {
  json?: boolean;
}

interface RecordReport {
  id: string;
  errors: number;
  checked: number;
  answerConsistent: boolean | null;
  unsourcedNumbers: number;
  steps: {
    index: number;
    text: string;
    kind: string;
    affected: boolean;
    checks: TraceCheckResult['steps'][number]['checks'];
    sources: { raw: string; value: string; source: TraceCheckResult['steps'][number]['numbers'][number]['source'] }[];
  }[];
  answer: TraceCheckResult['answer'];
}

function toReport(id: string, result: TraceCheckResult): RecordReport {
  return {
    id,
    errors: result.errors,
    checked: result.checked,
    answerConsistent: result.answer.consistent,
    unsourcedNumbers: result.unsourcedNumbers,
    steps: result.steps.map((step) => ({
      index: step.index,
      text: step.text,
      kind: step.kind,
      affected: step.affected,
      checks: step.checks,
      sources: step.numbers.filter((n) => n.role === 'operand').map((n) => ({ raw: n.raw, value: n.value, source: n.source })),
    })),
    answer: result.answer,
  };
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

function printReadable(report: RecordReport): void {
  const out: string[] = [];
  const verdict = report.errors === 0 ? paint(32, '✓ no arithmetic errors') : paint(31, `✗ ${report.errors} wrong calculation${report.errors === 1 ? '' : 's'}`);
  out.push(`${paint(1, report.id)}  ${verdict}  (${report.checked} checked, ${report.unsourcedNumbers} unsourced number${report.unsourcedNumbers === 1 ? '' : 's'})`);
  for (const step of report.steps) {
    const marks = step.checks
      .map((c) => {
        if (c.status === 'wrong') return paint(31, `✗ ${c.expression} = ${c.claimed} (should be ${c.expected})`);
        if (c.status === 'affected') return paint(33, `⚠ ${c.expression} = ${c.claimed} (uses a wrong earlier result)`);
        if (c.status === 'correct') return paint(32, `✓ ${c.expression} = ${c.claimed}`);
        return paint(2, `? ${c.expression} = ${c.claimed}`);
      })
      .join('; ');
    const unsourced = step.sources.filter((s) => s.source?.kind === 'unsourced').map((s) => s.raw);
    const text = step.text.replace(/\s+/g, ' ').trim();
    out.push(`  ${String(step.index + 1).padStart(2)}. [${step.kind}] ${text.length > 100 ? text.slice(0, 99) + '…' : text}`);
    if (marks) out.push(`      ${marks}`);
    if (unsourced.length > 0) out.push(`      ${paint(35, `unsourced: ${unsourced.join(', ')}`)}`);
  }
  const a = report.answer;
  const consistency = a.consistent === null ? 'not comparable' : a.consistent ? paint(32, 'agrees with the last computed value') : paint(31, `disagrees with the last computed value (${a.lastComputed})`);
  out.push(`  answer ${a.answerRaw ?? '—'}: ${consistency}`);
  process.stdout.write(out.join('\n') + '\n\n');
}

/** Returns the exit code. */
export async function runTraceCheck(file: string, options: TraceCheckOptions): Promise<number> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new Error(`No file at ${file}.`);
  if (!info.isFile()) throw new Error(`${file} is a folder; give a JSONL file with one trace per line.`);
  const lines = readline.createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const reports: RecordReport[] = [];
  let lineNumber = 0;
  let malformed = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      malformed++;
      process.stderr.write(`dianjin: line ${lineNumber} is not valid JSON; skipped.\n`);
      continue;
    }
    const record = TraceRecord.safeParse(parsed);
    if (!record.success) {
      malformed++;
      const issue = record.error.issues[0];
      process.stderr.write(`dianjin: line ${lineNumber} is not a trace record (${issue?.path.join('.') || 'record'}: ${issue?.message}); skipped.\n`);
      continue;
    }
    const { id, ...input } = record.data;
    const report = toReport(id, checkTrace(input));
    reports.push(report);
    if (!options.json) printReadable(report);
  }
  if (options.json) process.stdout.write(JSON.stringify(reports) + '\n');
  else process.stdout.write(`${reports.length} trace${reports.length === 1 ? '' : 's'} checked, ${reports.reduce((n, r) => n + r.errors, 0)} wrong calculations${malformed ? `, ${malformed} malformed line${malformed === 1 ? '' : 's'} skipped` : ''}.\n`);
  return malformed > 0 ? 1 : 0;
}
