import { describe, expect, it } from 'vitest';
import { manualFrames } from '../testing/manualFrames';
import { createFrameQueue } from './frameQueue';

describe('createFrameQueue', () => {
  it('hands over the chunks pushed within a frame together, once', () => {
    const frames = manualFrames();
    const delivered: number[][] = [];
    const queue = createFrameQueue<number>((chunks) => delivered.push(chunks), frames);
    for (let i = 0; i < 5; i++) queue.push(i);
    expect(frames.pending).toBe(1);
    expect(delivered).toEqual([]);
    frames.frame();
    queue.push(5);
    frames.frame();
    expect(delivered).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  it('flush hands over what is pending now and cancels its frame', () => {
    const frames = manualFrames();
    const delivered: string[][] = [];
    const queue = createFrameQueue<string>((chunks) => delivered.push(chunks), frames);
    queue.push('a');
    queue.flush();
    expect(frames.pending).toBe(0);
    frames.frame();
    queue.flush();
    expect(delivered).toEqual([['a'], []]);
  });
});
