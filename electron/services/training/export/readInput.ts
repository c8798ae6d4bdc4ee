import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidData, MAX_SFT_FILE_BYTES } from '../data/sftData';
import { decode } from '../../evaluation/sets/readEvalSetFile';
import type { TrainExportInput } from './types';

/**
 * The input's text and a name for messages. A file is read up to the SFT size limit and decoded as evaluation sets
 * are (UTF-8, UTF-16 with a BOM, GB18030); a missing, oversized or undecodable file is TRAIN_DATA_INVALID.
 */
export async function readEvalSetInputText(input: TrainExportInput): Promise<{ text: string; fileName: string }> {
  if ('text' in input) return { text: input.text, fileName: input.fileName ?? 'data.jsonl' };
  const filePath = input.path;
  const fileName = path.basename(filePath);
  const info = await stat(filePath).catch((error: NodeJS.ErrnoException) => {
    throw invalidData(error.code === 'ENOENT' ? `No training data at ${filePath}.` : `${filePath} cannot be read (${error.code ?? error.message}).`, { path: filePath });
  });
  if (!info.isFile()) throw invalidData(`${filePath} is a folder, not a JSONL file.`, { path: filePath });
  if (info.size > MAX_SFT_FILE_BYTES) {
    throw invalidData(`${fileName} is ${Math.round(info.size / 1024 ** 2)} MB; training files up to ${Math.round(MAX_SFT_FILE_BYTES / 1024 ** 2)} MB are read. Split it.`, { path: filePath });
  }
  try {
    return { text: decode(await readFile(filePath), fileName), fileName };
  } catch (error) {
    throw invalidData(error instanceof Error ? error.message : String(error), { path: filePath });
  }
}
