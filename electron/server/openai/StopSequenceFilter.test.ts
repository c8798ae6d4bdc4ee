import { describe, expect, it } from 'vitest';
import { StopSequenceFilter, cutAtStop } from './StopSequenceFilter';

function run(sequences: string[], chunks: string[]): { out: string[]; stopped: boolean; text: string } {
  const filter = new StopSequenceFilter(sequences);
  const out = chunks.map((c) => filter.push(c));
  out.push(filter.end());
  return { out, stopped: filter.stopped, text: filter.text };
}

describe('StopSequenceFilter', () => {
  it('passes everything through without stop sequences', () => {
    expect(run([], ['a', 'b<', 'c'])).toEqual({ out: ['a', 'b<', 'c', ''], stopped: false, text: 'ab<c' });
  });

  it('stops at a sequence split across chunks and drops the rest', () => {
    const result = run(['END'], ['one E', 'N', 'D two', 'three']);
    expect(result.out).toEqual(['one ', '', '', '', '']);
    expect(result.stopped).toBe(true);
    expect(result.text).toBe('one ');
  });

  it('releases a held-back partial match that did not complete', () => {
    const result = run(['END'], ['one E', 'x', ' EN']);
    expect(result.out).toEqual(['one ', 'Ex', ' ', 'EN']);
    expect(result.text).toBe('one Ex EN');
    expect(result.stopped).toBe(false);
  });

  it('cuts at the earliest of several sequences', () => {
    expect(run(['\n\n', 'B'], ['xxB\n\nyy']).text).toBe('xx');
    expect(cutAtStop('xxB\n\nyy', ['\n\n', 'B'])).toBe('xx');
    expect(cutAtStop('no match', ['Z'])).toBe('no match');
  });
});
