import type { SerializedError } from '../contract';

/**
 * Starts a job or a run one at a time: `starting` is true while the call is out (Start waits) and a failure stays in
 * `startError` until cleared or the next start. The SFT, GRPO and evaluation stores share it.
 */
export function startRunner(
  get: () => { starting: boolean },
  set: (partial: { starting: boolean; startError?: SerializedError | null } | { startError: SerializedError }) => void,
  fail: (error: unknown) => SerializedError,
) {
  /** What `work` started, or null when one is already starting or it failed. */
  return async function runStart<R>(work: () => Promise<R>): Promise<R | null> {
    if (get().starting) return null;
    set({ starting: true, startError: null });
    try {
      return await work();
    } catch (error) {
      set({ startError: fail(error) });
      return null;
    } finally {
      set({ starting: false });
    }
  };
}
