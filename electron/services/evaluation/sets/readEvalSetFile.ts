/**
 * Reads an evaluation set from disk: .json, .jsonl or .txt up to a size limit, decoded as UTF-8 (UTF-16 with a BOM,
 * and GB18030 for files saved by older Chinese tools, are recognised), then parsed by parseEvalSet.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidSet } from './errors';
import { parseEvalSet, type ParsedEvalSet } from './parseEvalSet';

export interface ReadEvalSetFileOptions {
  /** Largest file read, in bytes. Defaults to 200 MB (FinQA's train split is ~60 MB, DianJin-R1-Data's largest file ~130 MB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_EVAL_SET_BYTES = 200 * 1024 * 1024;

const EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson', '.txt']);

export async function readEvalSetFile(filePath: string, options: ReadEvalSetFileOptions = {}): Promise<ParsedEvalSet> {
  const fileName = path.basename(filePath);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EVAL_SET_BYTES;
  const ext = path.extname(fileName).toLowerCase();
  if (!EXTENSIONS.has(ext)) throw invalidSet(`${fileName} is not a .json, .jsonl or .txt file: evaluation sets are JSON or JSONL.`, { fileName });

  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw invalidSet(`${fileName} is a folder, not a file.`, { fileName });
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw invalidSet(`No file at ${filePath}.`, { fileName, path: filePath });
    throw error;
  }
  if (size > maxBytes) {
    throw invalidSet(`${fileName} is ${megabytes(size)}; evaluation sets up to ${megabytes(maxBytes)} are read. Split it, or keep the part you want to run.`, {
      fileName,
      sizeBytes: size,
      maxBytes,
    });
  }
  const text = decode(await readFile(filePath), fileName);
  return parseEvalSet(text, fileName);
}

/** UTF-8 unless a BOM says UTF-16, or the bytes are not UTF-8 but read as GB18030 (GBK files from Windows tools). */
export function decode(bytes: Uint8Array, fileName: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    } catch {
      throw invalidSet(`${fileName} is not UTF-8 text. Save it as UTF-8 and import it again.`, { fileName });
    }
  }
}

function megabytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
