/**
 * worker_threads entry: parses one document per message and replies with progress, the document or an error.
 * Bundled to dist/electron/documentWorker.js by scripts/build.mjs; run from source through tsx under vitest.
 */
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../../../shared/errors';
import { parseDocumentFile } from './parseDocument';
import type { WorkerReply, WorkerRequest } from './protocol';

const port = parentPort;
if (!port) throw new Error('documentWorker must run in a worker thread.');

const post = (reply: WorkerReply) => port.postMessage(reply);

port.on('message', (request: WorkerRequest) => {
  if (request.type !== 'load') return;
  parseDocumentFile(request.filePath, {
    ...request.limits,
    onProgress: (pagesDone, pagesTotal) => post({ type: 'progress', pagesDone, pagesTotal }),
  }).then(
    (document) => post({ type: 'done', document }),
    (error: unknown) => post({ type: 'error', error: serializeError(error) }),
  );
});
