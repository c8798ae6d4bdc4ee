import { unwrapLatex } from '../../inspector/answer';

/**
 * CFLUE-style multiple choice: the answer is a set of option letters ("ABD"). The DianJin-R1 authors' scorer keeps
 * every capital A–G present in the last box: the same as here on plain contents ("ABD", "A,C", "\text{B}"), but it
 * reads "Answer: B" as AB and "Both A and C" as ABC. Here option letters are standalone capitals or runs of distinct
 * ones ("ABD"), never letters inside words, and an announced answer ("答案是B", "the answer is C") wins over letters
 * mentioned before it.
 */

/** Option letters a question may use. CFLUE uses A–G; a few sets go to J. */
const OPTION_LETTER_RE = /^[A-J]+$/;

/** "A and C", "A is correct": words that may follow an option letter without making it an article or a pronoun. */
const AFTER_LETTER_WORDS = new Set([
  'and', 'or', 'nor', 'plus', 'with', 'as', 'is', 'are', 'was', 'were', 'both', 'only', 'too', 'also', 'together',
  'then', 'should', 'would', 'must', 'can', 'seems', 'appears', 'correct', 'right', 'wrong', 'incorrect', 'option', 'options',
]);

/** Lowercase words allowed around lowercase letters ("the answer is b"): anything else makes "a" an article. */
const LOWERCASE_FRAME_WORDS = new Set(['answer', 'answers', 'is', 'are', 'the', 'option', 'options', 'choice', 'choices', 'and', 'or', 'correct', 'letter', 'letters']);

/** Where the final choice is announced; the text after the last cue is read when it holds letters. */
const CUE_RE =
  /(?:answers?\s*(?:is|are|:|=)|correct\s+(?:options?|answers?|choices?)\s*(?:is|are|:)?|(?:option|choice)s?\s*(?::|=)|答案\s*(?:应该是|应为|是|为|[:：])|故选|因此选|所以选|应选|选择|选项|选)/gi;

/** The option letters a text names, sorted and unique ("ABD"); empty when it names none. */
export function readChoices(text: string): string {
  const plain = toPlainText(text);
  const afterCue = textAfterLastCue(plain);
  const letters = (afterCue !== null ? capitalLetters(afterCue) : '') || capitalLetters(plain) || lowercaseLetters(plain);
  return [...new Set(letters)].sort().join('');
}

/** CFLUE scoring: the predicted set of option letters equals the reference set (order, separators, case ignored). */
export function scoreChoices(predicted: string, reference: string): boolean {
  const want = readChoices(reference);
  return want !== '' && readChoices(predicted) === want;
}

/** Full-width letters and punctuation to ASCII (NFKC), LaTeX wrappers unwrapped, remaining commands removed. */
function toPlainText(text: string): string {
  return unwrapLatex(text.normalize('NFKC'))
    .replace(/\\[A-Za-z]+/g, ' ')
    .replace(/[{}]/g, ' ');
}

function textAfterLastCue(text: string): string | null {
  let end = -1;
  for (const m of text.matchAll(CUE_RE)) end = m.index + m[0].length;
  return end < 0 ? null : text.slice(end);
}

/** Standalone capitals and runs of distinct capitals A–J, skipping "A"/"I" used as an article or a pronoun. */
function capitalLetters(text: string): string {
  let out = '';
  for (const m of text.matchAll(/[A-Za-z]+/g)) {
    const run = m[0];
    if (!OPTION_LETTER_RE.test(run) || new Set(run).size !== run.length) continue;
    const after = text.slice(m.index + run.length);
    if (/^['’]/.test(after)) continue; // "I'm", "A's"
    if ((run === 'A' || run === 'I') && isProseWordAfter(after)) continue;
    out += run;
  }
  return out;
}

/** "A reasonable…", "I think…": a lowercase word that is not a connector follows. */
function isProseWordAfter(after: string): boolean {
  const word = /^[ \t]+([a-z]+)/.exec(after)?.[1];
  return word !== undefined && !AFTER_LETTER_WORDS.has(word);
}

/** "b", "a and c": lowercase letters count only when every other word is part of the answer's frame. */
function lowercaseLetters(text: string): string {
  let out = '';
  for (const m of text.matchAll(/[A-Za-z]+/g)) {
    const word = m[0].toLowerCase();
    if (/^[a-j]$/.test(word)) out += word.toUpperCase();
    else if (!LOWERCASE_FRAME_WORDS.has(word)) return '';
  }
  return out;
}
