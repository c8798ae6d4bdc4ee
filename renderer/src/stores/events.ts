/**
 * Listens to `app.events` for as long as the page lives, resubscribing with backoff when the stream ends (the
 * socket dropped, the server restarted). Each (re)subscription first resyncs what events may have been missed.
 */
import type { ApiClient } from '../contract';
import type { AppEvent } from '../contract';

export interface AppEventHandlers {
  onEvent(event: AppEvent): void;
  /** Called before each subscription after the first: refetch state that may have changed meanwhile. */
  resync(): Promise<void> | void;
  /** Whether to keep trying (false once the token is known to be refused). */
  shouldContinue(): boolean;
}

export interface AppEventsOptions {
  signal: AbortSignal;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A subscription that lasted this long resets the backoff. */
  healthyAfterMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Ends a backoff early (e.g. when the connection is back). Returns an unsubscribe function. */
  onWake?: (wake: () => void) => () => void;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

export async function runAppEvents(api: ApiClient, handlers: AppEventHandlers, options: AppEventsOptions): Promise<void> {
  const { signal, initialBackoffMs = 500, maxBackoffMs = 10_000, healthyAfterMs = 5_000, sleep = defaultSleep, now = () => Date.now(), onWake } = options;
  let attempt = 0;
  let first = true;
  while (!signal.aborted && handlers.shouldContinue()) {
    if (!first) {
      try {
        await handlers.resync();
      } catch {
        // Resync is best effort; the next events fix what it missed.
      }
    }
    first = false;
    const startedAt = now();
    try {
      await api.stream('app.events', {}, { signal, onChunk: (event) => handlers.onEvent(event) });
    } catch {
      // Ended with an error (connection lost…): retry below.
    }
    if (signal.aborted) return;
    if (now() - startedAt >= healthyAfterMs) attempt = 0;
    const wake = new AbortController();
    const stopWaking = onWake?.(() => wake.abort());
    const onAbort = () => wake.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    await sleep(Math.min(maxBackoffMs, initialBackoffMs * 2 ** attempt), wake.signal);
    signal.removeEventListener('abort', onAbort);
    stopWaking?.();
    attempt++;
  }
}
