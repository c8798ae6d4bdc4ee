/**
 * The Electron implementation of the inference-process seam (../services/inference/process.ts): the worker runs in a
 * utilityProcess, a Node.js child that Electron launches and supervises (it shows in `app.getAppMetrics()` as
 * "DianJin inference"). A llama.cpp crash, abort or out-of-memory ends that process, never the app.
 * The worker talks back with `process.parentPort.postMessage`, which it detects on its own.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { SpawnInferenceProcess } from '../services/inference/process';

/** How long `kill()` waits for the graceful SIGTERM before forcing SIGKILL (a llama.cpp call can ignore it). */
const forceKillAfterMs = 3_000;

export const spawnUtilityInferenceProcess: SpawnInferenceProcess = (workerPath, env) => {
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
  let exited = false;
  let lastPid: number | undefined;

  const reportExit = (code: number | null, signal: string | null): void => {
    if (exited) return;
    exited = true;
    for (const listener of exitListeners) listener(code, signal);
  };

  let child: UtilityProcess;
  try {
    child = utilityProcess.fork(workerPath, [], {
      serviceName: 'DianJin inference',
      env: { ...process.env, ...env },
      // The protocol goes over postMessage; stdout/stderr carry llama.cpp's own logs only.
      stdio: 'inherit',
    });
  } catch (error) {
    // fork throws synchronously only for bad arguments (or before `ready`); report it like a failed start so the
    // inference host's crash handling applies.
    console.error('[inference] could not start the utility process:', error);
    queueMicrotask(() => reportExit(null, null));
    return {
      pid: undefined,
      send() {},
      onMessage() {},
      onExit(listener) {
        if (exited) listener(null, null);
        else exitListeners.push(listener);
      },
      kill() {},
    };
  }

  child.once('spawn', () => {
    lastPid = child.pid;
  });
  child.once('exit', (code) => reportExit(code, null));
  child.on('error', (type, location) => {
    // Always followed by 'exit'; logged because it says why.
    console.error(`[inference] utility process error ${type} at ${location}`);
  });

  return {
    get pid() {
      return exited ? undefined : (child.pid ?? lastPid);
    },
    send(message) {
      if (!exited) child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', (message: unknown) => listener(message));
    },
    onExit(listener) {
      if (exited) listener(null, null);
      else exitListeners.push(listener);
    },
    kill() {
      if (exited) return;
      const pid = child.pid;
      child.kill();
      // SIGTERM is graceful; a worker stuck inside a native call may not honour it.
      if (pid !== undefined) {
        const timer = setTimeout(() => {
          if (exited) return;
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, forceKillAfterMs);
        timer.unref();
      }
    },
  };
};
