import type { SerializedError } from '../contract';

/** A call's latest answer, kept with the input it answered so a stale one is never shown as current. */
export interface Loaded<T> {
  status: 'loading' | 'ready' | 'error';
  data: T | null;
  error: SerializedError | null;
}

/**
 * Loads into one `Loaded` field where the latest call wins: the answer to an earlier call (its input has changed since)
 * is dropped. A failure is reported whichever call it answers. The SFT and GRPO stores share it (preview, estimate).
 */
export function latestLoader<T>(put: (loaded: Loaded<T>) => void, fail: (error: unknown) => SerializedError) {
  let token = 0;
  return {
    /** Loads `call`'s answer; `shown` stays on screen while it loads (the previous figures: no flicker as a number is typed). */
    async load(call: () => Promise<T>, shown: T | null = null): Promise<void> {
      const mine = ++token;
      put({ status: 'loading', data: shown, error: null });
      try {
        const data = await call();
        if (mine !== token) return;
        put({ status: 'ready', data, error: null });
      } catch (error) {
        const serialized = fail(error);
        if (mine !== token) return;
        put({ status: 'error', data: null, error: serialized });
      }
    },
    /** Drops the answer of the call in flight: its input is gone. */
    forget(): void {
      token++;
    },
  };
}
