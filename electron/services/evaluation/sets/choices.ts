/**
 * Multiple-choice options in the shapes exam banks write them: CFLUE's Python dict literal
 * (`"{'A': '货币市场', 'B': '债券市场'}"`, see aliyun/cflue data/knowledge/knowledge.json), a JSON object or array,
 * or lines `A. …` / `B、…` in the question text itself.
 */

export type Choices = Record<string, string>;

const LETTERS = 'ABCDEFGHIJ';

/** Options by upper-case letter, or null when `value` holds fewer than two of them. */
export function parseChoices(value: unknown): Choices | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return fromArray(value);
  if (typeof value === 'object') return fromObject(value as Record<string, unknown>);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) return parseChoices(parsed);
    } catch {
      const literal = parsePythonDict(text);
      if (literal) return fromObject(literal);
    }
  }
  return splitOptions(text)?.choices ?? null;
}

function fromObject(obj: Record<string, unknown>): Choices | null {
  const entries = Object.entries(obj)
    .map(([k, v]) => [k.trim(), optionText(v)] as const)
    .filter(([, v]) => v !== '');
  if (entries.length < 2) return null;
  const byLetter = entries.every(([k]) => /^[A-Ja-j]$/.test(k));
  const out: Choices = {};
  entries.forEach(([k, v], i) => {
    out[byLetter ? k.toUpperCase() : LETTERS[i]!] = v;
  });
  return Object.keys(out).length >= 2 ? sortByLetter(out) : null;
}

function fromArray(values: unknown[]): Choices | null {
  const texts = values
    .map((v) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        const label = optionText(o.label ?? o.key ?? o.letter);
        const text = optionText(o.text ?? o.value ?? o.content);
        return label && text ? `${label}. ${text}` : text;
      }
      return optionText(v);
    })
    .filter((t) => t !== '');
  if (texts.length < 2 || texts.length > LETTERS.length) return null;
  // ["A. 货币市场", "B. 债券市场"] keeps its letters; ["货币市场", "债券市场"] gets A, B in order.
  const labelled = splitOptions(texts.join('\n'));
  if (labelled && Object.keys(labelled.choices).length === texts.length && labelled.stem === '') return labelled.choices;
  const out: Choices = {};
  texts.forEach((t, i) => {
    out[LETTERS[i]!] = t;
  });
  return out;
}

function optionText(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function sortByLetter(c: Choices): Choices {
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b)));
}

/** An option marker at the start of a line: `A.` `A．` `A、` `A:` `A：` `A)` `(A)` `（A）`. */
const LINE_OPTION = /^\s*(?:[(（]([A-J])[)）]|([A-J])\s*[.．、:：)）])\s*(.*)$/;

export interface SplitOptions {
  /** The text before the options (the question). */
  stem: string;
  choices: Choices;
  /** Text after the last option (instructions that followed the options), '' when none. */
  rest: string;
}

/**
 * Finds options written into a question: lines starting A, B, C… in order (at least two), or, failing that, one
 * line `A. … B. … C. …`. Null when there are none.
 */
export function splitOptions(text: string): SplitOptions | null {
  return splitByLines(text) ?? splitInline(text);
}

function splitByLines(text: string): SplitOptions | null {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => markerOf(l) === 'A');
  if (start < 0) return null;
  const choices: Choices = {};
  let expected = 0;
  let end = start;
  let current: string | null = null;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const m = LINE_OPTION.exec(line);
    const letter = m ? (m[1] ?? m[2])! : null;
    if (letter === LETTERS[expected]) {
      current = letter;
      choices[letter] = m![3]!.trim();
      expected++;
      end = i;
    } else if (current !== null && line.trim() !== '' && !isInstructionLine(line) && expected < LETTERS.length && i === end + 1) {
      // An option that wraps onto the next line.
      choices[current] = `${choices[current]}\n${line.trim()}`;
      end = i;
    } else {
      break;
    }
  }
  if (expected < 2) return null;
  return { stem: lines.slice(0, start).join('\n').trim(), choices, rest: lines.slice(end + 1).join('\n').trim() };
}

function markerOf(line: string): string | null {
  const m = LINE_OPTION.exec(line);
  return m ? (m[1] ?? m[2])! : null;
}

/** Lines after the options that tell the model what to do, not part of the last option. */
function isInstructionLine(line: string): boolean {
  return /请|注意|答案|\\boxed|please|answer|think/i.test(line);
}

function splitInline(text: string): SplitOptions | null {
  const markers = [...text.matchAll(/(?:^|[\s\u3000])([A-J])\s*[.．、:：]\s*/g)];
  const found: { letter: string; at: number; after: number }[] = [];
  for (const m of markers) {
    if (m[1] === LETTERS[found.length]) found.push({ letter: m[1]!, at: m.index! + (m[0].length - m[0].trimStart().length), after: m.index! + m[0].length });
  }
  if (found.length < 2) return null;
  const choices: Choices = {};
  found.forEach((f, i) => {
    const next = found[i + 1];
    choices[f.letter] = text.slice(f.after, next ? next.at : undefined).trim();
  });
  if (Object.values(choices).some((v) => v === '')) return null;
  return { stem: text.slice(0, found[0]!.at).trim(), choices, rest: '' };
}

/**
 * Parses a Python dict literal of strings, as CFLUE writes its `choices` (`{'A': '…', "B": "…"}`); null when the
 * text is anything else. Only strings and numbers are accepted as values.
 */
export function parsePythonDict(text: string): Record<string, string> | null {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const readString = (): string | null => {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return null;
    i++;
    let out = '';
    while (i < text.length && text[i] !== quote) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < text.length) {
        const next = text[i + 1]!;
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
        if (next in simple) {
          out += simple[next];
          i += 2;
        } else if ((next === 'u' || next === 'x') && /^[0-9a-fA-F]+$/.test(text.slice(i + 2, i + (next === 'u' ? 6 : 4)))) {
          const width = next === 'u' ? 4 : 2;
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 2 + width), 16));
          i += 2 + width;
        } else {
          out += ch;
          i++;
        }
      } else {
        out += ch;
        i++;
      }
    }
    if (text[i] !== quote) return null;
    i++;
    return out;
  };
  const readValue = (): string | null => {
    const s = readString();
    if (s !== null) return s;
    const num = /^-?\d+(?:\.\d+)?/.exec(text.slice(i));
    if (!num) return null;
    i += num[0].length;
    return num[0];
  };

  skip();
  if (text[i] !== '{') return null;
  i++;
  const out: Record<string, string> = {};
  skip();
  if (text[i] === '}') return null;
  for (;;) {
    skip();
    const key = readString();
    if (key === null) return null;
    skip();
    if (text[i] !== ':') return null;
    i++;
    skip();
    const value = readValue();
    if (value === null) return null;
    out[key] = value;
    skip();
    if (text[i] === ',') {
      i++;
      skip();
      if (text[i] === '}') break;
      continue;
    }
    if (text[i] === '}') break;
    return null;
  }
  i++;
  skip();
  return i === text.length ? out : null;
}
