/**
 * A tiny typed fan-out of events plus an async iterator view of it, so transports can stream events
 * (`app.events`) the same way they stream answers.
 */
export class EventHub<T> {
  private readonly listeners = new Set<(event: T) => void>();

  emit(event: T): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Yields events until the signal aborts. */
  async *iterate(signal: AbortSignal): AsyncGenerator<T, void, void> {
    const channel = new AsyncChannel<T>();
    const unsubscribe = this.subscribe((event) => channel.push(event));
    const onAbort = () => channel.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) return;
      yield* channel;
    } finally {
      signal.removeEventListener('abort', onAbort);
      unsubscribe();
    }
  }
}

/** An unbounded queue read as an async iterator; `close()` ends the iteration after what is queued. */
export class AsyncChannel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  private closed = false;

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, void> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift() as T;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}
