/** Messages between loadDocument and the document worker (worker_threads; structured clone). */
import type { ParsedDocument } from '../../../shared/documents';
import type { SerializedError } from '../../../shared/errors';
import type { ParseLimits } from './parseDocument';

export interface WorkerRequest {
  type: 'load';
  filePath: string;
  limits: ParseLimits;
}

export type WorkerReply =
  | { type: 'progress'; pagesDone: number; pagesTotal: number }
  | { type: 'done'; document: ParsedDocument }
  | { type: 'error'; error: SerializedError };
