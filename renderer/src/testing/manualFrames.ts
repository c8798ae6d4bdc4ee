import type { FrameScheduler } from '../lib/deltaBatcher';

/** A scheduler the test runs by hand: `frame()` runs what one frame delivers; `pending` counts what waits for it. */
export function manualFrames(): FrameScheduler & { frame(): void; readonly pending: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    request: (callback) => (callbacks.set(next, callback), next++),
    cancel: (handle) => void callbacks.delete(handle),
    frame() {
      const all = [...callbacks.values()];
      callbacks.clear();
      all.forEach((c) => c());
    },
    get pending() {
      return callbacks.size;
    },
  };
}
