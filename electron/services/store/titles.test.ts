import { describe, expect, it } from 'vitest';
import { normalizeTitle, titleFromQuestion } from './titles';

describe('titleFromQuestion', () => {
  it('keeps short questions whole, on one line', () => {
    expect(titleFromQuestion('  What is\n\nEBITDA?  ')).toBe('What is EBITDA?');
  });

  it('cuts long ones at 60 characters with an ellipsis, never splitting a surrogate pair', () => {
    const t = titleFromQuestion('𠀀'.repeat(100));
    expect(Array.from(t)).toHaveLength(60);
    expect(t.endsWith('𠀀…')).toBe(true);
  });
});

describe('normalizeTitle', () => {
  it('trims and joins lines', () => {
    expect(normalizeTitle('  a\r\nb  ', 1)).toBe('a b');
    expect(normalizeTitle('', 0)).toBe('');
  });
});
