/** Cutting text into plain and highlighted runs by [start, end) offsets (search hits): slices only, no patterns. */

export interface HighlightRun {
  text: string;
  marked: boolean;
}

/** Offsets are clamped, sorted and merged where they overlap or touch. */
export function normalizeRanges(length: number, ranges: readonly (readonly [number, number])[]): [number, number][] {
  const clamped = ranges
    .map(([s, e]) => [Math.max(0, Math.min(length, Math.floor(s))), Math.max(0, Math.min(length, Math.floor(e)))] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [s, e] of clamped) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** Ranges with only whitespace between them read as one ("net income" rather than "net" and "income"). */
function joinAcrossSpaces(text: string, ranges: [number, number][]): [number, number][] {
  const joined: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = joined[joined.length - 1];
    if (last && text.slice(last[1], s).trim() === '') last[1] = e;
    else joined.push([s, e]);
  }
  return joined;
}

export function highlightRuns(text: string, ranges: readonly (readonly [number, number])[]): HighlightRun[] {
  const runs: HighlightRun[] = [];
  let at = 0;
  for (const [s, e] of joinAcrossSpaces(text, normalizeRanges(text.length, ranges))) {
    if (s > at) runs.push({ text: text.slice(at, s), marked: false });
    runs.push({ text: text.slice(s, e), marked: true });
    at = e;
  }
  if (at < text.length) runs.push({ text: text.slice(at), marked: false });
  return runs;
}

export interface Snippet {
  text: string;
  highlights: [number, number][];
  cutStart: boolean;
  cutEnd: boolean;
}

/** At most `maxChars` of a long passage, around its first highlight; the highlights moved with it. */
export function snippetAround(text: string, ranges: readonly (readonly [number, number])[], maxChars: number): Snippet {
  const merged = normalizeRanges(text.length, ranges);
  if (text.length <= maxChars) return { text, highlights: merged, cutStart: false, cutEnd: false };
  const first = merged[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(maxChars / 3));
  const end = Math.min(text.length, start + maxChars);
  start = Math.max(0, end - maxChars);
  return {
    text: text.slice(start, end),
    highlights: merged.filter(([s, e]) => e > start && s < end).map(([s, e]) => [Math.max(s, start) - start, Math.min(e, end) - start]),
    cutStart: start > 0,
    cutEnd: end < text.length,
  };
}
