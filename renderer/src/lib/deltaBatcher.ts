/**
 * Coalesces streamed deltas so the UI updates at most once per animation frame, however fast chunks arrive.
 * A 10 000-token trace then costs ~60 store updates a second instead of one per chunk.
 */
export interface DeltaBatch {
  reasoning: string;
  answer: string;
  /** The latest completion-token count seen. */
  completionTokens: number;
}

export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

export const animationFrameScheduler: FrameScheduler = {
  request: (callback) => requestAnimationFrame(() => callback()),
  cancel: (handle) => cancelAnimationFrame(handle),
};

export interface DeltaBatcher {
  push(delta: DeltaBatch): void;
  /** Delivers whatever is pending right away (call before rendering a final record). */
  flushNow(): void;
  /** Drops whatever is pending; nothing is delivered afterwards. */
  dispose(): void;
}

export function createDeltaBatcher(deliver: (batch: DeltaBatch) => void, scheduler: FrameScheduler = animationFrameScheduler): DeltaBatcher {
  let reasoning = '';
  let answer = '';
  let completionTokens: number | null = null;
  let handle: number | null = null;
  let disposed = false;

  function run() {
    handle = null;
    if (disposed || (reasoning === '' && answer === '' && completionTokens === null)) return;
    const batch: DeltaBatch = { reasoning, answer, completionTokens: completionTokens ?? 0 };
    reasoning = '';
    answer = '';
    completionTokens = null;
    deliver(batch);
  }

  return {
    push(delta) {
      if (disposed) return;
      reasoning += delta.reasoning;
      answer += delta.answer;
      completionTokens = delta.completionTokens;
      if (handle === null) handle = scheduler.request(run);
    },
    flushNow() {
      if (handle !== null) scheduler.cancel(handle);
      run();
    },
    dispose() {
      disposed = true;
      if (handle !== null) scheduler.cancel(handle);
      handle = null;
    },
  };
}
