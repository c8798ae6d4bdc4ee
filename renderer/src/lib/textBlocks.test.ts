import { describe, expect, it } from 'vitest';
import { appendToBlocks, endsParagraph, splitBlocks } from './textBlocks';

function chunkRandomly(text: string, seed: number): string[] {
  // Small deterministic PRNG so failures reproduce.
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = 1 + Math.floor(next() * 12);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}

const sample = [
  'First, identify the cash flows.\nThe bond pays 5% annually.',
  '',
  'Then discount them:  PV = 5/1.04 + 105/1.04^2.\n\n\n',
  '  Indented line after blank lines.',
  '计算净现值：首先确定现金流。然后按照贴现率折现，得到结果。'.repeat(40),
  'word '.repeat(700),
  'x'.repeat(3000),
  'The end\n \nreally.',
].join('\n\n');

describe('splitBlocks', () => {
  it('keeps all text: blocks join back to the input', () => {
    expect(splitBlocks(sample).join('')).toBe(sample);
    expect(splitBlocks('')).toEqual([]);
  });

  it('splits at blank lines and keeps the separator with the block before it', () => {
    expect(splitBlocks('a\nb\n\nc\n \n\nd')).toEqual(['a\nb\n\n', 'c\n \n\n', 'd']);
    expect(endsParagraph('a\n\n')).toBe(true);
    expect(endsParagraph('a\nb')).toBe(false);
  });

  it('cuts long paragraphs at a space or CJK punctuation after the limit, or hard at twice the limit', () => {
    const words = splitBlocks('word '.repeat(50), 20);
    expect(words.every((b) => b.length <= 25)).toBe(true);
    expect(words[0]).toBe('word word word word word ');
    const cjk = splitBlocks('一二三四五六七八九十，一二三四五六七八九十。', 6);
    expect(cjk[0]).toBe('一二三四五六七八九十，');
    const solid = splitBlocks('y'.repeat(50), 10);
    expect(solid.map((b) => b.length)).toEqual([20, 20, 10]);
  });
});

describe('appendToBlocks', () => {
  it('gives the same blocks however the text was chunked', () => {
    const expected = splitBlocks(sample);
    for (const seed of [1, 2, 3, 42, 1234]) {
      let blocks: string[] = [];
      for (const chunk of chunkRandomly(sample, seed)) blocks = appendToBlocks(blocks, chunk);
      expect(blocks).toEqual(expected);
    }
  });

  it('keeps earlier blocks (same array items) and only re-splits the last one', () => {
    const before = appendToBlocks([], 'para one\n\npara two');
    const after = appendToBlocks(before, ' continues');
    expect(after[0]).toBe(before[0]);
    expect(after).toEqual(['para one\n\n', 'para two continues']);
    expect(appendToBlocks(after, '')).toBe(after);
  });
});
