import { animationFrameScheduler, type FrameScheduler } from './deltaBatcher';

/** Chunks that arrive faster than frames, handed over together once a frame. */
export interface FrameQueue<T> {
  push(chunk: T): void;
  /** Hands over what is pending right away (call when the stream ends); `deliver` runs even when nothing is. */
  flush(): void;
}

/** A queue that calls `deliver` with the chunks pushed since the last frame, at most once per frame. */
export function createFrameQueue<T>(deliver: (chunks: T[]) => void, scheduler: FrameScheduler = animationFrameScheduler): FrameQueue<T> {
  let pending: T[] = [];
  let handle: number | null = null;
  const flush = () => {
    if (handle !== null) scheduler.cancel(handle);
    handle = null;
    const chunks = pending;
    pending = [];
    deliver(chunks);
  };
  return {
    push(chunk) {
      pending.push(chunk);
      if (handle === null) handle = scheduler.request(flush);
    },
    flush,
  };
}
