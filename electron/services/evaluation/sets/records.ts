/**
 * Splits an evaluation file's text into raw JSON records, each with where it came from ("Line 7", "Item 3"), so
 * every warning can name the place. Reads a JSON array, a JSON object holding one array of records, or JSONL
 * (one object a line; a pretty-printed array with one object a line reads the same way when it is damaged).
 */
import { invalidSet } from './errors';

export interface RawRecord {
  value: Record<string, unknown>;
  /** 1-based line in the file (JSONL), or null for an element of a JSON array. */
  line: number | null;
  /** 0-based position among the file's records (usable or not). */
  index: number;
  /** How warnings name this record: "Line 7" or "Item 3". */
  where: string;
}

export interface RecordsRead {
  records: RawRecord[];
  /** Line-numbered notes about lines that are not records. */
  warnings: string[];
  /** Whether the file was one JSON document (array/object) rather than JSONL. */
  container: 'array' | 'jsonl';
}

/** Removes a byte-order mark and makes line ends \n (CRLF and lone CR from old editors). */
export function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys under which wrappers keep their records: `{ "data": [ … ] }`. */
const WRAPPER_KEYS = ['data', 'items', 'examples', 'questions', 'records', 'rows', 'test', 'train', 'validation'];

export function readRecords(text: string, fileName: string): RecordsRead {
  const body = normalizeText(text);
  if (body.trim() === '') throw invalidSet(`${fileName} is empty.`, { fileName });
  const first = body.trimStart()[0];

  if (first === '[' || first === '{') {
    let whole: unknown;
    let parseError: Error | null = null;
    try {
      whole = JSON.parse(body);
    } catch (error) {
      parseError = error as Error;
    }
    if (parseError === null) {
      if (Array.isArray(whole)) return fromArray(whole, fileName);
      if (isRecord(whole)) {
        const wrapped = looksLikeRecord(whole) ? null : wrappedArray(whole);
        if (wrapped) return fromArray(wrapped, fileName);
        return { records: [{ value: whole, line: 1, index: 0, where: 'Item 1' }], warnings: [], container: 'array' };
      }
    }
    // Not one JSON document: JSONL (starts with '{'), or an array written one object a line with a damaged line.
    const lines = fromLines(body);
    if (lines.records.length > 0) return lines;
    if (parseError) {
      const line = lineOfJsonError(parseError, body);
      const where = line === null ? '' : ` (line ${line})`;
      throw invalidSet(`${fileName} is not valid JSON${where}: ${parseError.message}`, line === null ? { fileName } : { fileName, line });
    }
    throw invalidSet(`${fileName} holds no records: it must be a JSON array of objects or JSONL with one object a line.`, { fileName });
  }

  const lines = fromLines(body);
  if (lines.records.length === 0) {
    const firstBad = lines.badLines[0];
    throw invalidSet(
      `${fileName} has no JSON records: ${firstBad ? `line ${firstBad} is not JSON` : 'no line is a JSON object'}. Use JSON or JSONL with one object a line.`,
      firstBad ? { fileName, line: firstBad } : { fileName },
    );
  }
  return lines;
}

/** Fields of a record itself, so a single record's `messages` array is not taken for a list of records. */
const RECORD_KEYS = ['question', 'qa', 'pre_text', 'instruction', 'messages', 'conversations', 'reference'];
const looksLikeRecord = (obj: Record<string, unknown>): boolean => RECORD_KEYS.some((k) => k in obj);

function wrappedArray(obj: Record<string, unknown>): unknown[] | null {
  for (const key of WRAPPER_KEYS) {
    const v = obj[key];
    if (Array.isArray(v) && v.some(isRecord)) return v;
  }
  // A single array-of-objects property, whatever its name.
  const arrays = Object.values(obj).filter((v): v is unknown[] => Array.isArray(v) && v.length > 0 && v.every(isRecord));
  return arrays.length === 1 ? arrays[0]! : null;
}

function fromArray(values: unknown[], fileName: string): RecordsRead {
  if (values.length === 0) throw invalidSet(`${fileName} is an empty JSON array: it has no questions.`, { fileName });
  const records: RawRecord[] = [];
  const warnings: string[] = [];
  values.forEach((value, index) => {
    const where = `Item ${index + 1}`;
    if (isRecord(value)) records.push({ value, line: null, index, where });
    else warnings.push(`${where}: not a JSON object`);
  });
  return { records, warnings, container: 'array' };
}

function fromLines(body: string): RecordsRead & { badLines: number[] } {
  const records: RawRecord[] = [];
  const warnings: string[] = [];
  const badLines: number[] = [];
  const lines = body.split('\n');
  let index = 0;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    // Blank lines and the brackets of a one-object-a-line array carry nothing.
    if (line === '' || line === '[' || line === ']' || line === '],' || line === ',') return;
    const where = `Line ${lineNo}`;
    const value = parseLine(line);
    if (value === undefined) {
      warnings.push(`${where}: not JSON`);
      badLines.push(lineNo);
    } else if (!isRecord(value)) {
      warnings.push(`${where}: not a JSON object`);
      badLines.push(lineNo);
    } else {
      records.push({ value, line: lineNo, index, where });
    }
    index++;
  });
  return { records, warnings, container: 'jsonl', badLines };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // One object a line inside an array: `{…},`
    if (line.endsWith(',')) {
      try {
        return JSON.parse(line.slice(0, -1));
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

/** V8 names the failing offset ("… at position 123", newer builds add "(line 5 column 3)"). */
function lineOfJsonError(error: Error, body: string): number | null {
  const explicit = /line (\d+)/i.exec(error.message);
  if (explicit) return Number(explicit[1]);
  const pos = /position (\d+)/i.exec(error.message);
  if (!pos) return null;
  const offset = Math.min(Number(pos[1]), body.length);
  let line = 1;
  for (let i = 0; i < offset; i++) if (body.charCodeAt(i) === 10) line++;
  return line;
}
