/**
 * The job folder: refused when it already holds files (unless forced, and then only the export's own files are
 * replaced: a folder the user pointed at by mistake never loses anything else), written file by file.
 */
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../shared/errors';

/** Makes sure `outDir` can take the job; returns its absolute path. */
export async function prepareJobFolder(outDir: string, force: boolean): Promise<string> {
  const out = path.resolve(outDir);
  const info = await stat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw new AppError('INVALID_INPUT', `${out} cannot be used (${error.code ?? error.message}).`, { path: out });
  });
  if (info && !info.isDirectory()) throw new AppError('INVALID_INPUT', `${out} is a file; give a folder for the job.`, { path: out, reason: 'outNotFolder' });
  if (info && !force) {
    const entries = await readdir(out);
    if (entries.length > 0) {
      throw new AppError('INVALID_INPUT', `${out} is not empty. Choose a new folder, or pass --force to write the job's files over it.`, {
        path: out,
        reason: 'outNotEmpty',
      });
    }
  }
  await mkdir(out, { recursive: true });
  return out;
}

/** Writes the files (relative `/` paths) under `out`, folders included; returns their paths in order. */
export async function writeJobFiles(out: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<string[]> {
  for (const [relative, content] of files) {
    const target = path.join(out, ...relative.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content, relative.endsWith('.sh') ? { mode: 0o755 } : {});
  }
  return files.map(([relative]) => relative);
}
