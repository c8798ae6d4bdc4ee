/**
 * Finds the citation markers an answer writes — `[1]`, `[2][3]`, `[1, 2]`, `【1】`, `[1，2]` — so the UI can link them to
 * the passages the answer was given. A bracket is linked only when every number in it is a citation of the message;
 * anything else (`[a]`, `[2023]`, `[9]` with eight sources) is left as written.
 */

export type CitationSegment =
  | { kind: 'text'; text: string }
  /** One number of a marker; `text` is its digits as written. */
  | { kind: 'cite'; n: number; text: string };

const marker = /\[([\d\s,，、]+)\]|【([\d\s,，、]+)】/gu;
const listShape = /^\s*\d{1,4}\s*(?:[,，、]\s*\d{1,4}\s*)*$/u;

function pushText(segments: CitationSegment[], text: string): void {
  if (!text) return;
  const last = segments[segments.length - 1];
  if (last?.kind === 'text') last.text += text;
  else segments.push({ kind: 'text', text });
}

/** The text cut into plain runs and citation numbers (brackets and separators stay text, so nothing is lost). */
export function splitCitations(text: string, available: ReadonlySet<number>): CitationSegment[] {
  const segments: CitationSegment[] = [];
  if (available.size === 0) {
    pushText(segments, text);
    return segments;
  }
  let at = 0;
  for (const match of text.matchAll(marker)) {
    const inner = match[1] ?? match[2] ?? '';
    if (!listShape.test(inner)) continue;
    const numbers = inner.split(/[,，、]/u).map((part) => Number(part.trim()));
    if (!numbers.every((n) => available.has(n))) continue;
    const open = match[0][0]!;
    const close = match[0][match[0].length - 1]!;
    pushText(segments, text.slice(at, match.index) + open);
    // Walk the inner text keeping its separators and spaces exactly as written.
    const parts = inner.split(/([,，、])/u);
    for (const part of parts) {
      const digits = part.trim();
      if (/^\d+$/u.test(digits)) {
        const lead = part.slice(0, part.indexOf(digits));
        pushText(segments, lead);
        segments.push({ kind: 'cite', n: Number(digits), text: digits });
        pushText(segments, part.slice(lead.length + digits.length));
      } else {
        pushText(segments, part);
      }
    }
    pushText(segments, close);
    at = match.index + match[0].length;
  }
  pushText(segments, text.slice(at));
  return segments;
}

/** The citation numbers an answer actually uses, in order of first use. */
export function citedNumbers(text: string, available: ReadonlySet<number>): number[] {
  const seen = new Set<number>();
  for (const segment of splitCitations(text, available)) if (segment.kind === 'cite') seen.add(segment.n);
  return [...seen];
}
