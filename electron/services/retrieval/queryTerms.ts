/**
 * From what the user typed to safe FTS5 queries, and back to highlight offsets.
 *
 * Two keyword indexes (see migration 3): `chunks_fts` (trigram: any substring of 3+ characters) and `chunk_terms`
 * (unicode61 over text where each Chinese run is written as its overlapping bigrams plus its last character). A query
 * runs on one of them, so FTS5 intersects the terms itself:
 * - every term Chinese and 3+ characters (特斯拉 总收入): the trigram index — a 3-character term is a single trigram;
 * - anything else (营收, EV, total revenues, 特斯拉 EPS): the terms index — a 2-character Chinese term is one bigram
 *   token, English words are word tokens (prefix for 3+ letters). English goes there even when long because trigram
 *   phrases over common English words (total, revenues) are 10× slower at 100k chunks (scripts/benchDocs.ts).
 * User text never reaches FTS5 as syntax: every token is a double-quoted string.
 */

/** A term of the query and the index that can find it. */
export interface QueryTerm {
  text: string;
  /** 'trigram' for Chinese terms of 3+ characters; 'terms' for the rest (short terms, English words). */
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
    terms.push({ text, index: codePoints(text) >= 3 && han.test(text) ? 'trigram' : 'terms' });
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

const segment = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}\p{M}])+/gu;

/**
 * FTS5 expression for the terms index, for a term of any length: the tokens the term's text has in that index, as one
 * phrase. A Chinese run gives its bigrams — plus its last character when something follows it in the term (in the
 * document the run then ends there, and its last character is the token just before what follows); a single Chinese
 * character at the end is a prefix (it starts a bigram or ends a run). Words are whole words, except a final word of 3+
 * characters, which is a prefix ("revenue" finds "revenues"; "EV" does not find "every").
 */
export function termsExpression(term: QueryTerm): string | null {
  const pieces = term.text.toLowerCase().match(segment) ?? [];
  const tokens: string[] = [];
  let prefix = false;
  pieces.forEach((piece, i) => {
    const last = i === pieces.length - 1;
    if (han.test(piece)) {
      const chars = [...piece];
      for (let j = 0; j + 1 < chars.length; j++) tokens.push(`${chars[j] as string}${chars[j + 1] as string}`);
      if (!last || chars.length === 1) tokens.push(chars[chars.length - 1] as string);
      prefix = last && chars.length === 1;
    } else {
      tokens.push(piece);
      prefix = last && [...piece].length >= 3;
    }
  });
  if (tokens.length === 0) return null;
  return `${tokens.map(quote).join(' + ')}${prefix ? ' *' : ''}`;
}

/**
 * The word a term is looked up by as a prefix in the terms index, when that is all its expression is (revenue →
 * "revenue" *), or null. DocumentIndex spells such a prefix out as the index's words that start with it, because FTS5
 * merges a prefix's posting lists into one before a query — and again for BM25's term statistics — which costs more
 * than reading the few words' lists (3.5 vs 2 ms for "share" at 100,000 chunks).
 */
export function termsPrefix(term: QueryTerm): string | null {
  const pieces = term.text.toLowerCase().match(segment) ?? [];
  const word = pieces.length === 1 ? (pieces[0] as string) : null;
  return word !== null && !han.test(word) && codePoints(word) >= 3 ? word : null;
}

/** FTS5 expression matching any of the words (each one token of the terms index). */
export function anyWordExpression(words: readonly string[]): string {
  return words.map(quote).join(' OR ');
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
  // Only characters special outside a class: with the u flag, escaping anything else ("\-") is a syntax error.
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** A regular expression that finds the terms in a chunk's text the way the indexes match them. */
export function highlightPattern(terms: readonly QueryTerm[]): RegExp | null {
  if (terms.length === 0) return null;
  const alternatives = [...terms]
    .sort((a, b) => b.text.length - a.text.length)
    .map((term) => {
      const body = escapeRegExp(term.text);
      if (han.test(term.text)) return body;
      // Words match from their start in the terms index, short ones as whole words ("EV" is not found in "every").
      const end = codePoints(term.text) < 3 ? '(?![\\p{L}\\p{N}])' : '';
      return `(?<![\\p{L}\\p{N}])${body}${end}`;
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
