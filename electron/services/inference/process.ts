/**
 * How the inference process is started. Node hosts (CLI, `dianjin serve`) fork a child process; the Electron app
 * uses utilityProcess (electron/main/utilityInferenceProcess.ts). Either way a llama.cpp crash, abort or OOM kills
 * only that process.
 */
import { fork } from 'node:child_process';

export interface InferenceProcessHandle {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has exited, for whatever reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type SpawnInferenceProcess = (workerPath: string, env: Record<string, string>) => InferenceProcessHandle;

export const forkInferenceProcess: SpawnInferenceProcess = (workerPath, env) => {
  const child = fork(workerPath, [], {
    env: { ...process.env, ...env },
    // stdout is not used for protocol; keep stderr for llama.cpp's own logs.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let exited = false;
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  child.on('exit', (code, signal) => {
    exited = true;
    for (const listener of exitListeners) listener(code, signal);
  });
  child.on('error', () => {
    /* reported through 'exit' */
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (!exited && child.connected) child.send(message as never);
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      exitListeners.push(listener);
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
};
