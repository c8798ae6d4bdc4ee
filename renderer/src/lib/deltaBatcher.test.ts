import { describe, expect, it } from 'vitest';
import { manualFrames } from '../testing/manualFrames';
import { createDeltaBatcher, type DeltaBatch } from './deltaBatcher';

describe('createDeltaBatcher', () => {
  it('delivers everything pushed within a frame as one batch', () => {
    const frames = manualFrames();
    const batches: DeltaBatch[] = [];
    const batcher = createDeltaBatcher((b) => batches.push(b), frames);
    for (let i = 0; i < 500; i++) batcher.push({ reasoning: 'r', answer: i >= 400 ? 'a' : '', completionTokens: i + 1 });
    expect(frames.pending).toBe(1);
    expect(batches).toHaveLength(0);
    frames.frame();
    expect(batches).toEqual([{ reasoning: 'r'.repeat(500), answer: 'a'.repeat(100), completionTokens: 500 }]);
    frames.frame();
    expect(batches).toHaveLength(1);
  });

  it('flushNow delivers pending deltas at once and cancels the frame', () => {
    const frames = manualFrames();
    const batches: DeltaBatch[] = [];
    const batcher = createDeltaBatcher((b) => batches.push(b), frames);
    batcher.push({ reasoning: 'x', answer: '', completionTokens: 1 });
    batcher.flushNow();
    expect(frames.pending).toBe(0);
    expect(batches).toEqual([{ reasoning: 'x', answer: '', completionTokens: 1 }]);
    batcher.flushNow();
    expect(batches).toHaveLength(1);
  });

  it('delivers nothing after dispose', () => {
    const frames = manualFrames();
    const batches: DeltaBatch[] = [];
    const batcher = createDeltaBatcher((b) => batches.push(b), frames);
    batcher.push({ reasoning: 'x', answer: '', completionTokens: 1 });
    batcher.dispose();
    frames.frame();
    batcher.push({ reasoning: 'y', answer: '', completionTokens: 2 });
    batcher.flushNow();
    expect(batches).toEqual([]);
  });
});
