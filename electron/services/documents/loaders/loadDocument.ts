/**
 * loadDocument: parses a file in a worker_threads Worker so the caller's event loop never blocks on pdfjs, exceljs
 * or a 50 MB filing. One worker per load, terminated when the load ends or is aborted (abort really stops the
 * parse; a pool would have to drain it first).
 *
 * Which worker file runs: `workerPath` when given; else `documentWorker.js` beside the running module (the esbuild
 * bundle: dist/electron/main.js or cli.js sit beside dist/electron/documentWorker.js); else, in a source checkout
 * (vitest, tsx), `documentWorker.ts` beside this file, loaded through tsx's ESM hooks registered inside the worker.
 * We chose tsx-in-the-worker over "parse in-process when no build is found" so that tests exercise the real
 * worker path (messages, progress, terminate-on-abort), not a different code path.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParsedDocument } from '../../../shared/documents';
import { AppError } from '../../../shared/errors';
import { cancelledError } from './abort';
import type { ParseLimits } from './parseDocument';
import type { WorkerReply, WorkerRequest } from './protocol';

export interface LoadDocumentOptions extends ParseLimits {
  /** Aborting terminates the worker and rejects with an AppError whose details.reason is 'cancelled'. Defaults to none. */
  signal?: AbortSignal;
  /** Called after each page (sheet) is read. PDFs report every page; single-page formats report once. Defaults to none. */
  onProgress?(pagesDone: number, pagesTotal: number): void;
  /** The worker entry to run (a built .js, or a .ts run through tsx). Defaults to the one found as described above. */
  workerPath?: string;
}

/** Finds the worker entry for the running code (see the file comment). */
export function resolveDocumentWorker(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, 'documentWorker.js'), path.join(here, 'documentWorker.ts')]) if (existsSync(candidate)) return candidate;
  throw new AppError('INTERNAL', `The document worker was not found beside ${here}. Run \`npm run build\`.`);
}

function startWorker(workerPath: string): Worker {
  if (!workerPath.endsWith('.ts')) return new Worker(workerPath);
  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  const esm = resolved.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(esm) ? esm : resolved).href;
  const entry = pathToFileURL(workerPath).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { (tsx.register ?? tsx.default.register)(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export function loadDocument(filePath: string, options: LoadDocumentOptions = {}): Promise<ParsedDocument> {
  const fileName = path.basename(filePath);
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(cancelledError(fileName));
  return new Promise<ParsedDocument>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = startWorker(options.workerPath ?? resolveDocumentWorker());
    } catch (error) {
      reject(error);
      return;
    }
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(cancelledError(fileName)));
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (reply: WorkerReply) => {
      if (settled) return;
      if (reply.type === 'progress') onProgress?.(reply.pagesDone, reply.pagesTotal);
      else if (reply.type === 'done') finish(() => resolve(reply.document));
      else finish(() => reject(AppError.fromSerialized(reply.error)));
    });
    worker.on('error', (error) => finish(() => reject(new AppError('INTERNAL', `Reading ${fileName} crashed the document worker: ${error.message}`, { fileName }))));
    worker.on('exit', (code) => finish(() => reject(new AppError('INTERNAL', `The document worker stopped (exit code ${code}) before finishing ${fileName}.`, { fileName }))));

    const limits: ParseLimits = {};
    if (options.maxPages !== undefined) limits.maxPages = options.maxPages;
    if (options.maxBytes !== undefined) limits.maxBytes = options.maxBytes;
    worker.postMessage({ type: 'load', filePath: path.resolve(filePath), limits } satisfies WorkerRequest);
  });
}
