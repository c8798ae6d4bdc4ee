/** Small text helpers shared by the importers and the prompt: boxed answers, option letters, verdicts, language. */

/** The content of the last `\boxed{…}` in `text`, braces matched (`\boxed{\frac{1}{2}}` → `\frac{1}{2}`); null when none closes. */
export function lastBoxed(text: string): string | null {
  const open = /\\boxed\s*\{/g;
  let last: string | null = null;
  for (let m = open.exec(text); m !== null; m = open.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    if (depth === 0) last = text.slice(m.index + m[0].length, i - 1).trim();
  }
  return last;
}

/** What a DianJin-R1 style output answers: the last `<answer>…</answer>` (or what follows an unclosed `<answer>`), else the text after `</think>`. */
export function answerSection(output: string): string {
  const closed = [...output.matchAll(/<answer>([\s\S]*?)<\/answer>/g)];
  if (closed.length > 0) return closed[closed.length - 1]![1]!.trim();
  const open = output.lastIndexOf('<answer>');
  if (open >= 0) return output.slice(open + '<answer>'.length).trim();
  const think = output.lastIndexOf('</think>');
  return (think >= 0 ? output.slice(think + '</think>'.length) : output).trim();
}

/** The reference a DianJin-R1 output states: the boxed content of its answer, else the answer text itself. */
export function referenceFromOutput(output: string): string {
  const answer = answerSection(output);
  return (lastBoxed(answer) ?? lastBoxed(output) ?? answer).trim();
}

/** `\text{ABD}` → `ABD`, `\mathrm{A}` → `A`: a boxed answer's LaTeX wrapper is not part of it. */
export function stripLatexText(value: string): string {
  return value.replace(/\\(?:text|mathrm|textbf|mathbf)\s*\{([^{}]*)\}/g, '$1').trim();
}

/**
 * Option letters as a sorted set without separators ("A, B, D" / "A、B、D" / "dba" → "ABD"); null when the text is
 * anything but letters A–J and separators.
 */
export function optionLetters(value: string): string | null {
  const text = stripLatexText(value).toUpperCase();
  if (!/^[\sA-J,，、;；/&+和及与.()（）"'“”]*$/.test(text)) return null;
  const letters = [...new Set(text.replace(/[^A-J]/g, ''))].sort();
  return letters.length > 0 ? letters.join('') : null;
}

/**
 * The verdicts a compliance case may have as its reference (合规/违规, compliant/non-compliant, yes/no). Which of
 * yes/no means compliant depends on the question, so this only says whether `value` is one of them.
 */
const VERDICTS = new Set(['合规', '违规', '不合规', 'compliant', 'non-compliant', 'noncompliant', 'not compliant', 'non compliant', 'yes', 'no', '是', '否']);

export function isVerdict(value: string): boolean {
  return VERDICTS.has(
    stripLatexText(value)
      .trim()
      .toLowerCase()
      .replace(/[。.!！]$/, ''),
  );
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g;

/** Chinese when CJK characters outweigh Latin words (a Chinese question with "ROE" or "ESG" in it is still Chinese). */
export function isChinese(text: string): boolean {
  const cjk = text.match(CJK)?.length ?? 0;
  if (cjk === 0) return false;
  const latinLetters = text.match(/[A-Za-z]/g)?.length ?? 0;
  return cjk * 5 >= latinLetters;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ldquo: '“', rdquo: '”', middot: '·' };

/** Decodes the HTML entities exam banks leave in their text (`（&amp;nbsp;）` → `（ ）`). */
export function decodeEntities(text: string): string {
  let out = text;
  // Twice: `&amp;nbsp;` is an escaped `&nbsp;`.
  for (let i = 0; i < 2; i++) out = out.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => entity(name) ?? whole);
  return out;
}

function entity(name: string): string | undefined {
  if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
  if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
  return ENTITIES[name.toLowerCase()];
}

/** A string field as the importers keep it: CRLF/CR as \n, HTML entities decoded, trimmed. */
export function cleanText(text: string): string {
  return decodeEntities(text.replace(/\r\n?/g, '\n')).trim();
}

/** A scalar field as trimmed text ('' when absent or not a string/number/boolean). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return '';
}
