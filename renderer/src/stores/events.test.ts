import { describe, expect, it, vi } from 'vitest';
import type { ApiClient, AppEvent } from '../contract';
import { runAppEvents } from './events';

describe('runAppEvents', () => {
  it('delivers events, resubscribes with backoff after the stream ends, and resyncs before each resubscription', async () => {
    const controller = new AbortController();
    const sleeps: number[] = [];
    let subscriptions = 0;
    const api = {
      stream: vi.fn(async (_method: string, _input: unknown, options: { onChunk: (e: AppEvent) => void }) => {
        subscriptions++;
        options.onChunk({ type: 'conversations.changed' });
        if (subscriptions === 3) controller.abort();
        throw new Error('connection lost');
      }),
    } as unknown as ApiClient;
    const events: AppEvent[] = [];
    const resync = vi.fn();
    await runAppEvents(
      api,
      { onEvent: (e) => events.push(e), resync, shouldContinue: () => true },
      { signal: controller.signal, sleep: async (ms) => void sleeps.push(ms), now: () => 0 },
    );
    expect(subscriptions).toBe(3);
    expect(events).toHaveLength(3);
    expect(resync).toHaveBeenCalledTimes(2);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('stops when told to (e.g. the token was refused)', async () => {
    const api = { stream: vi.fn(async () => undefined) } as unknown as ApiClient;
    let allowed = 2;
    await runAppEvents(api, { onEvent: () => {}, resync: () => {}, shouldContinue: () => allowed-- > 0 }, { signal: new AbortController().signal, sleep: async () => {} });
    expect(api.stream).toHaveBeenCalledTimes(2);
  });

  it('a wake-up (connection back) ends the backoff early', async () => {
    const controller = new AbortController();
    let wake: (() => void) | null = null;
    let calls = 0;
    const api = {
      stream: vi.fn(async () => {
        if (++calls === 2) controller.abort();
      }),
    } as unknown as ApiClient;
    const done = runAppEvents(
      api,
      { onEvent: () => {}, resync: () => {}, shouldContinue: () => true },
      { signal: controller.signal, initialBackoffMs: 60_000, onWake: (w) => ((wake = w), () => (wake = null)) },
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(1);
    wake!();
    await done;
    expect(calls).toBe(2);
  });
});
