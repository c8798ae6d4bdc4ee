/**
 * The bundled sample set (assets/eval/sample.jsonl, the project's own items in English and Chinese), so a new user can
 * try an evaluation at once. The file ships beside the code, not inside the bundle: it is found by walking up from
 * this module — electron/services/evaluation/sets/ from source (tsx, vitest), dist/electron/ from the esbuild
 * bundle, app.asar/dist/electron/ in the packaged app (electron-builder.yml lists assets/eval/**).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../shared/errors';
import { parseEvalSet, type ParsedEvalSet } from './parseEvalSet';

export const SAMPLE_SET_RELATIVE_PATH = path.join('assets', 'eval', 'sample.jsonl');
export const SAMPLE_SET_NAME = 'Sample set (DianJin Workbench)';

/** How far up from this module the app root can be (source: 4 levels; bundle: 2). */
const MAX_LEVELS_UP = 6;

/** The sample file's path for the running code; throws INTERNAL when the checkout or package lacks it. */
export function resolveSampleSetPath(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i <= MAX_LEVELS_UP; i++) {
    const candidate = path.join(dir, SAMPLE_SET_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new AppError('INTERNAL', `The bundled sample set (${SAMPLE_SET_RELATIVE_PATH}) was not found above ${from}. Reinstall the app, or run from a full checkout.`);
}

export interface LoadSampleSetOptions {
  /** The sample file to read. Defaults to the one found by resolveSampleSetPath. */
  path?: string;
}

export async function loadSampleSet(options: LoadSampleSetOptions = {}): Promise<ParsedEvalSet> {
  const file = options.path ?? resolveSampleSetPath();
  const parsed = parseEvalSet(await readFile(file, 'utf8'), path.basename(file));
  return { ...parsed, format: 'sample', suggestedName: SAMPLE_SET_NAME };
}
