/**
 * Splits a growing reasoning trace into blocks (paragraphs, and long paragraphs cut at a break) so it can be
 * virtualised, and so that appending a delta only touches the last block: earlier blocks keep their identity and
 * their memoised rendering. Each block keeps its raw text, separators included, so `blocks.join('') === text`, and
 * the result does not depend on how the text was chunked.
 */

/** A blank line (possibly with spaces) and the whitespace after it. */
const separator = /\n[ \t]*\n\s*/g;
/** CJK punctuation a long paragraph may be cut after. */
const cjkBreaks = new Set(['。', '，', '；', '！', '？', '、', '：']);

export const defaultMaxBlockChars = 1200;

/**
 * Where to cut a paragraph longer than `max`: after the first break at or after `start + max` and before `limit`
 * (the paragraph's end). A space or newline counts only when followed by a non-space character, so a break is
 * never decided on text that has not arrived yet; with none, a hard cut at `start + 2 * max`.
 */
function cutPosition(text: string, start: number, limit: number, max: number): number | null {
  for (let i = start + max; i < limit; i++) {
    if (i - start >= 2 * max) return i;
    const c = text[i]!;
    if (cjkBreaks.has(c)) return i + 1;
    if (c === ' ' || c === '\t' || c === '\n') {
      const next = text[i + 1];
      if (next === undefined) return null;
      if (!/\s/.test(next)) return i + 1;
    }
  }
  return null;
}

export function splitBlocks(text: string, maxBlockChars = defaultMaxBlockChars): string[] {
  const blocks: string[] = [];
  let start = 0;
  while (start < text.length) {
    separator.lastIndex = start;
    const match = separator.exec(text);
    const paragraphEnd = match ? match.index : text.length;
    const cut = paragraphEnd - start > maxBlockChars ? cutPosition(text, start, paragraphEnd, maxBlockChars) : null;
    const end = cut ?? (match ? match.index + match[0].length : text.length);
    blocks.push(text.slice(start, end));
    start = end;
  }
  return blocks;
}

/** `splitBlocks(previous.join('') + delta)`, re-splitting only the last block. */
export function appendToBlocks(previous: readonly string[], delta: string, maxBlockChars = defaultMaxBlockChars): string[] {
  if (delta === '') return previous as string[];
  const tail = previous.length > 0 ? previous[previous.length - 1]! : '';
  const head = previous.length > 0 ? previous.slice(0, -1) : [];
  return head.concat(splitBlocks(tail + delta, maxBlockChars));
}

/** Whether a block ends a paragraph (renders with paragraph spacing) rather than being cut mid-paragraph. */
export function endsParagraph(block: string): boolean {
  return /\n[ \t]*\n\s*$/.test(block);
}
