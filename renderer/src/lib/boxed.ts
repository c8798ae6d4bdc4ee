/**
 * Finds `\boxed{…}` in an answer so the final result can be highlighted. Braces are matched; an unclosed box
 * (still streaming) stays plain text. Surrounding `$…$`, `\(…\)` and `\[…\]` are dropped with the box.
 */
export type AnswerSegment = { kind: 'text'; text: string } | { kind: 'boxed'; text: string };

const marker = '\\boxed{';
const wrappers: ReadonlyArray<readonly [string, string]> = [
  ['$$', '$$'],
  ['$', '$'],
  ['\\(', '\\)'],
  ['\\[', '\\]'],
];

/** Makes simple LaTeX readable: `\text{A}` → A, `\%` → %, `\,` → thin space. */
export function simplifyLatex(value: string): string {
  let out = value;
  for (let i = 0; i < 5 && /\\(?:text|mathrm|textbf|mathbf)\{([^{}]*)\}/.test(out); i++) {
    out = out.replace(/\\(?:text|mathrm|textbf|mathbf)\{([^{}]*)\}/g, '$1');
  }
  return out
    .replace(/\\%/g, '%')
    .replace(/\\\$/g, '$')
    .replace(/\\[,;!]/g, ' ')
    .replace(/\\times/g, '×')
    .replace(/\\cdot/g, '·')
    .trim();
}

export function parseBoxed(text: string): AnswerSegment[] {
  const segments: AnswerSegment[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf(marker, i);
    if (at < 0) break;
    let depth = 1;
    let j = at + marker.length;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    if (depth > 0) break; // unclosed: leave the rest as text
    const inner = text.slice(at + marker.length, j - 1);
    let before = plain + text.slice(i, at);
    let after = j;
    for (const [open, close] of wrappers) {
      if (before.endsWith(open) && text.startsWith(close, j)) {
        before = before.slice(0, -open.length);
        after = j + close.length;
        break;
      }
    }
    if (before) segments.push({ kind: 'text', text: before });
    plain = '';
    segments.push({ kind: 'boxed', text: simplifyLatex(inner) });
    i = after;
  }
  plain += text.slice(i);
  if (plain) segments.push({ kind: 'text', text: plain });
  return segments;
}
