import { describe, expect, it } from 'vitest';
import { createDeltaBatcher, type DeltaBatch, type FrameScheduler } from './deltaBatcher';

function manualScheduler() {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  const scheduler: FrameScheduler = {
    request(callback) {
      callbacks.set(next, callback);
      return next++;
    },
    cancel(handle) {
      callbacks.delete(handle);
    },
  };
  const frame = () => {
    const due = [...callbacks.values()];
    callbacks.clear();
    for (const callback of due) callback();
  };
  return { scheduler, frame, pending: () => callbacks.size };
}

describe('createDeltaBatcher', () => {
  it('delivers everything pushed within a frame as one batch', () => {
    const { scheduler, frame, pending } = manualScheduler();
    const batches: DeltaBatch[] = [];
    const batcher = createDeltaBatcher((b) => batches.push(b), scheduler);
    for (let i = 0; i < 500; i++) batcher.push({ reasoning: 'r', answer: i >= 400 ? 'a' : '', completionTokens: i + 1 });
    expect(pending()).toBe(1);
    expect(batches).toHaveLength(0);
    frame();
    expect(batches).toEqual([{ reasoning: 'r'.repeat(500), answer: 'a'.repeat(100), completionTokens: 500 }]);
    frame();
    expect(batches).toHaveLength(1);
  });

  it('flushNow delivers pending deltas at once and cancels the frame', () => {
    const { scheduler, pending } = manualScheduler();
    const batches: DeltaBatch[] = [];
    const batcher = createDeltaBatcher((b) => batches.push(b), scheduler);
    batcher.push({ reasoning: 'x', answer: '', completionTokens: 1 });
    batcher.flushNow();
    expect(pending()).toBe(0);
    expect(batches).toEqual([{ reasoning: 'x', answer: '', completionTokens: 1 }]);
    batcher.flushNow();
    expect(batches).toHaveLength(1);
  });

  it('delivers nothing after dispose', () => {
    const { scheduler, frame } = manualScheduler();
    const batches: DeltaBatch[] = [];
    const batcher = createDeltaBatcher((b) => batches.push(b), scheduler);
    batcher.push({ reasoning: 'x', answer: '', completionTokens: 1 });
    batcher.dispose();
    frame();
    batcher.push({ reasoning: 'y', answer: '', completionTokens: 2 });
    batcher.flushNow();
    expect(batches).toEqual([]);
  });
});
