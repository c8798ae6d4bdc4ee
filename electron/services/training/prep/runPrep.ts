/** Runs one request in a training-prep process and resolves with its reply; the process is gone afterwards. */
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import type { SpawnInferenceProcess } from '../../inference/process';
import type { PrepReply, PrepRequest } from './protocol';

export type PrepResult = Extract<PrepReply, { type: 'prepared' }>;

/** The built prep process beside the built inference process (dist/electron/). */
export const prepWorkerPathBeside = (inferenceWorkerPath: string): string => path.join(path.dirname(inferenceWorkerPath), 'trainingPrepWorker.js');

export function runPrep(spawn: SpawnInferenceProcess, workerPath: string, request: Omit<PrepRequest, 'type'>, signal?: AbortSignal): Promise<PrepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(workerPath, {});
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      child.kill();
      settle(() => reject(new AppError('CANCELLED', 'Preparing the training data was cancelled.')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.onMessage((message) => {
      const reply = message as PrepReply;
      if (reply.type === 'ready') child.send({ type: 'prepare', ...request } satisfies PrepRequest);
      else if (reply.type === 'prepared') settle(() => resolve(reply));
      else if (reply.type === 'error') settle(() => reject(AppError.fromSerialized(reply.error)));
    });
    child.onExit((code, exitSignal) =>
      settle(() =>
        reject(new AppError('TRAIN_FAILED', `The process that tokenises the training data stopped (${exitSignal ?? `exit code ${code}`}) before it finished. Check that the model file is a readable GGUF.`)),
      ),
    );
  });
}
