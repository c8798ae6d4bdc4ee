import { documentError } from './errors';

export function cancelledError(fileName?: string) {
  return documentError('cancelled', fileName ? `Loading ${fileName} was cancelled.` : 'Loading the document was cancelled.', fileName ? { fileName } : {});
}

export function abortIfNeeded(signal: AbortSignal | undefined, fileName?: string): void {
  if (signal?.aborted) throw cancelledError(fileName);
}
