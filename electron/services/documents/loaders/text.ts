/** Text helpers shared by every loader: decoding, whitespace, CJK-aware joining. */
import { documentError } from './errors';

const cjkPattern = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u{20000}-\u{2fa1f}]/u;

/** Whether a character is CJK (ideographs, kana, hangul, full-width forms and CJK punctuation). */
export function isCjk(char: string | undefined): boolean {
  return char !== undefined && char !== '' && cjkPattern.test(char);
}

/** Joins two pieces of running text: a space between words, none where either side is CJK. */
export function joinText(left: string, right: string): string {
  if (!left) return right;
  if (!right) return left;
  if (/\s$/.test(left) || /^\s/.test(right)) return left + right;
  if (isCjk(left.at(-1)) || isCjk(right[0])) return left + right;
  return `${left} ${right}`;
}

/** Collapses whitespace (incl. non-breaking and ideographic spaces between CJK) to single spaces, trimmed. */
export function cleanText(text: string): string {
  return text
    .replace(/[\s\u00a0\u200b\ufeff]+/g, ' ')
    .trim()
    .replace(/(\S) (?=\S)/gu, (match, before: string, offset: number, whole: string) => (isCjk(before) && isCjk(String.fromCodePoint(whole.codePointAt(offset + before.length + 1) ?? 32)) ? before : match));
}

/**
 * Decodes a text file: UTF-8 (BOM stripped); if it is not valid UTF-8, GB18030 (a superset of GBK, what Chinese
 * Windows tools save), with a warning. Other legacy encodings are not detected.
 */
export function decodeText(bytes: Uint8Array, fileName: string): { text: string; warnings: string[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), warnings: [] };
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), warnings: ['not UTF-8: decoded as GB18030/GBK'] };
    } catch {
      throw documentError('unreadable', `${fileName} is neither UTF-8 nor GBK text. Save it as UTF-8 and add it again.`, { fileName });
    }
  }
}
