/**
 * From what the user typed to safe FTS5 queries, and back to highlight offsets.
 *
 * Two keyword indexes (see migration 3): `chunks_fts` (trigram: any substring of 3+ characters, Chinese included) and
 * `chunk_terms` (unicode61 over text where each Chinese run is written as its overlapping bigrams plus its last
 * character: finds the 1–2 character terms the trigram index cannot, like 营收, and short English words like EV or Q3
 * as whole words). User text never reaches FTS5 as syntax: every term is a double-quoted string.
 */

/** A term of the query and the index that can find it. */
export interface QueryTerm {
  text: string;
  /** 'trigram' for 3+ characters; 'terms' for shorter ones. */
  index: 'trigram' | 'terms';
}

/** Most terms taken from one query (the rest are ignored): bounds the cost of a pasted paragraph. */
export const maxQueryTerms = 16;

const han = /\p{Script=Han}/u;
const hanRun = /\p{Script=Han}+/gu;
const wordChar = /[\p{L}\p{N}]/u;
// Separators: spaces, Chinese and ASCII punctuation. "," "." ":" between digits stay (1,234.5 and 10:30 are one term).
const separators = /[\s，。、；：？！“”‘’"'`（）()[\]【】《》<>{}|;?!]+|(?<!\p{N})[,.:]|[,.:](?!\p{N})/u;
// Leading and trailing characters that are not part of a term ("%" stays: 5% is a term).
const edgeJunk = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}%]+$/gu;

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Terms in order of first appearance, duplicates (ignoring case) dropped. */
export function parseQuery(query: string): QueryTerm[] {
  const seen = new Set<string>();
  const terms: QueryTerm[] = [];
  for (const raw of query.normalize('NFC').split(separators)) {
    const text = (raw ?? '').replace(edgeJunk, '');
    if (!wordChar.test(text)) continue;
    const key = text.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push({ text, index: codePoints(text) >= 3 ? 'trigram' : 'terms' });
    if (terms.length === maxQueryTerms) break;
  }
  return terms;
}

function quote(text: string): string {
  return `"${text.replace(/"/gu, '""')}"`;
}

/** FTS5 expression for the trigram index: the term as one quoted string (a substring match, case-insensitive). */
export function trigramExpression(term: QueryTerm): string {
  return quote(term.text);
}

/**
 * FTS5 expression for the terms index. A 2-character Chinese term is one bigram token; a single Chinese character is a
 * prefix (it starts a bigram or ends a run); other pieces are words. A mixed term ("A股") is the AND of its pieces.
 */
export function termsExpression(term: QueryTerm): string {
  const pieces = term.text.match(/\p{Script=Han}+|[\p{L}\p{N}]+/gu) ?? [];
  const parts = pieces.map((piece) => {
    if (!han.test(piece)) return quote(piece);
    const chars = [...piece];
    // Pieces come from a term of at most 2 characters, so a Han piece is 1 or 2 characters.
    return chars.length === 1 ? `${quote(piece)}*` : quote(piece);
  });
  return parts.join(' AND ');
}

/** Text for the terms index: Chinese runs become "ab bc cd d" (bigrams, then the last character); the rest is kept. */
export function termsText(text: string): string {
  return text.replace(hanRun, (run) => {
    const chars = [...run];
    if (chars.length === 1) return ` ${run} `;
    const tokens: string[] = [];
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(`${chars[i] as string}${chars[i + 1] as string}`);
    tokens.push(chars[chars.length - 1] as string);
    return ` ${tokens.join(' ')} `;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/gu, '\\$&');
}

/** A regular expression that finds the terms in a chunk's text the way the indexes match them. */
export function highlightPattern(terms: readonly QueryTerm[]): RegExp | null {
  if (terms.length === 0) return null;
  const alternatives = [...terms]
    .sort((a, b) => b.text.length - a.text.length)
    .map((term) => {
      const body = escapeRegExp(term.text);
      // Short non-Chinese terms are whole words in the terms index: "EV" is not highlighted inside "every".
      if (term.index === 'terms' && !han.test(term.text)) return `(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`;
      return body;
    });
  return new RegExp(alternatives.join('|'), 'giu');
}

/** [start, end) offsets of the terms in `text`, sorted, overlaps merged. */
export function findHighlights(text: string, pattern: RegExp | null): [number, number][] {
  if (!pattern) return [];
  const ranges: [number, number][] = [];
  pattern.lastIndex = 0;
  for (const m of text.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    const start = m.index;
    const end = start + m[0].length;
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  return ranges;
}
