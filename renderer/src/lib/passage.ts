/**
 * Where a cited passage sits in its page's text, for the page view's highlight. A passage (a search chunk) is the
 * page's sentences re-joined — a space or nothing between sentences, one line break between paragraphs — and it may
 * start with a heading-path line ("Annual report › Results") that the page does not have in that form. So both are
 * compared without whitespace, the whole passage first, then its body without the first line; when neither is found
 * whole, the passage's beginning and end are looked for (a PDF's text may differ in between).
 */

export interface TextRange {
  /** [start, end) offsets in the page text. */
  start: number;
  end: number;
}

interface Compacted {
  chars: string;
  /** Offset in the original text of each char of `chars`. */
  offsets: number[];
}

function compact(text: string): Compacted {
  let chars = '';
  const offsets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (/\s/u.test(char)) continue;
    chars += char;
    offsets.push(i);
  }
  return { chars, offsets };
}

function range(page: Compacted, from: number, length: number): TextRange {
  return { start: page.offsets[from]!, end: page.offsets[from + length - 1]! + 1 };
}

/** How many characters of the beginning and the end are matched when the whole passage is not found. */
const maxEdgeChars = 40;
const minEdgeChars = 12;

export function locatePassage(pageText: string, passage: string): TextRange | null {
  const page = compact(pageText);
  if (!page.chars) return null;
  const newline = passage.indexOf('\n');
  const candidates = newline >= 0 ? [passage, passage.slice(newline + 1)] : [passage];
  const bodies = candidates.map((c) => compact(c).chars).filter((c) => c.length > 0);
  for (const body of bodies) {
    const at = page.chars.indexOf(body);
    if (at >= 0) return range(page, at, body.length);
  }
  // Beginning and end of the body, in order and not absurdly far apart.
  const body = bodies[bodies.length - 1];
  if (!body) return null;
  const edgeChars = Math.min(maxEdgeChars, Math.floor(body.length / 3));
  if (edgeChars < minEdgeChars) return null;
  const head = body.slice(0, edgeChars);
  const tail = body.slice(-edgeChars);
  const start = page.chars.indexOf(head);
  if (start < 0) return null;
  const tailAt = page.chars.indexOf(tail, start + edgeChars);
  if (tailAt < 0 || tailAt + edgeChars - start > body.length * 2) return range(page, start, head.length);
  return range(page, start, tailAt + edgeChars - start);
}
