import Decimal from 'decimal.js';
import type { NumberMention } from '../../shared/inspection';

/**
 * Finds every number in a DianJin-R1 trace (English or Chinese prose) with its exact value, unit and role.
 *
 * Everything works on a normalised copy of the text that has the same length (full-width digits and punctuation are
 * mapped one UTF-16 unit to one), so offsets found in it are offsets into the original text and `raw` is sliced from
 * the original. Values are exact decimals (decimal.js), never floats.
 *
 * Role heuristics (documented here because analysts rely on them; tests in numbers.test.ts pin each one):
 * - year: a bare 4-digit integer 1900–2100 (no thousands separator, no decimals, sign, currency or unit) that is
 *   followed by 年 / 财年 / 年度 or a glued estimate suffix (2023E, 2024A, 2024Q3), glued to FY/CY (FY2024, also FY24),
 *   preceded by in / for / during / since / until / fiscal / year / as of / "end of" and similar time phrases / a
 *   month name / 年度 / 截至, joined to another year ("2022 and 2023", "2019-2023", "2023/24"), following a date or
 *   quarter ("Q3 2024", "March 31, 2024"), alone in a markdown table header cell, or modifying the English word after
 *   it ("the 2018 base", "2023 value", "the 2017 tax reform") unless that word counts things or joins clauses ("2000
 *   shares", "2000 and"). "revenue of 2000" stays an operand ("of" only counts after a time word), and so does
 *   anything with a separator such as "1,999".
 * - date: 2024-03-31, 2024/03/31, 31/03/2024, 2024-03, 3月, 31日, 3季度, Q3, H1, a day next to a month name.
 * - ordinal: step / section / table / note … numbers, 第3步, 1st, list markers ("1." "1)" "1、" at a line start or
 *   after a colon, "(1)" likewise, and "(3)" referring back to one: "check on (3):", "见(2)").
 * - label: footnotes [1], numbers glued into identifiers (Q4_K_M, x86, 7B, COVID-19), versions 1.2.3, phone-like
 *   runs 138-1234-5678, durations glued into a term ("5-year term", "3-month", "5年期"). Compound runs (dates,
 *   versions, phones) are one mention whose `value` is their first component: it is never used, the role says so.
 * - operand: everything else. "3日内" (within 3 days) is a duration, not the 3rd of a month.
 * - duration (a flag, not a role): operands counting days / months / years ("3日内", "6个月", "30 days") and the
 *   glued duration labels above carry `duration: true`, so a source lookup never takes "3日" for "3%".
 */

/** decimal.js configured for exact work: enough precision that sums and products of written numbers never round. */
export const Exact = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -9e15, toExpPos: 9e15 });
export type Exact = InstanceType<typeof Exact>;

/** Plain decimal notation without exponent and without "-0". */
export function plain(d: Exact): string {
  return d.isZero() ? '0' : d.toFixed();
}

const FULLWIDTH_DIGIT_0 = 0xff10;
const isFullwidthDigit = (c: string | undefined): boolean => c !== undefined && c.charCodeAt(0) >= FULLWIDTH_DIGIT_0 && c.charCodeAt(0) <= FULLWIDTH_DIGIT_0 + 9;

const CHAR_MAP: Record<string, string> = {
  '．': '.',
  '－': '-',
  '−': '-', // U+2212 minus sign
  '–': '-', // en dash: minus between spaced numbers, a range when glued ("2019–2023")
  '＋': '+',
  '％': '%',
  '（': '(',
  '）': ')',
  '＝': '=',
  '～': '~',
  '〜': '~',
  '＄': '$',
  '／': '/',
  '＊': '*',
  '［': '[',
  '］': ']',
  '\u00a0': ' ',
  '\u3000': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
};

/**
 * Same-length normalisation: full-width digits and arithmetic punctuation to ASCII. The Chinese comma `，` becomes a
 * thousands separator only between full-width digits (`１，４００`); after ASCII digits it is sentence punctuation.
 */
export function normalizeNumerals(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (isFullwidthDigit(c)) out += String.fromCharCode(c.charCodeAt(0) - FULLWIDTH_DIGIT_0 + 48);
    else if (c === '，' && isFullwidthDigit(text[i - 1]) && isFullwidthDigit(text[i + 1])) out += ',';
    else out += CHAR_MAP[c] ?? c;
  }
  return out;
}

type Role = NumberMention['role'];
type Unit = NumberMention['unit'];

interface Draft {
  start: number;
  end: number;
  value: Exact;
  unit: Unit;
  approximate: boolean;
  role: Role;
  /** Only for the year heuristics and range pass. */
  yearCandidate: boolean;
  /** Unit/scale written (any kind, including 万亿 whose unit is null); false for bare numbers. */
  scaled: boolean;
  /** Counts days, months or years: see `duration` in the module comment. */
  duration: boolean;
  numStart: number;
  numEnd: number;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAsciiLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

const NUMBER_RE = /\d{1,3}(?:,\d{3}(?!\d))+(?:\.\d+)?|\d+(?:\.\d+)?/y;
// Compound runs that are not arithmetic. Checked before the single-number reading so "2024-03-31" is not three numbers.
const ISO_DATE_RE = /(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])/y;
const DMY_DATE_RE = /(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d.])/y;
const VERSION_RE = /\d+(?:\.\d+){2,}(?!\d)/y;
const PHONE_RE = /\d{3,4}-\d{3,4}-\d{4}(?![\d.])|\d{3,4}-\d{7,8}(?![\d.])/y;
const YEAR_MONTH_RE = /(\d{4})-(\d{2})(?![\d.,%])/y;
const YEAR_RANGE_RE = /(\d{4})([-/~])(\d{4}|\d{2})(?![\d.,%])/y;

const CURRENCY_PREFIX_RE = /(?:(?<![A-Za-z])(?:US|HK|A|C|S|NT)?\$|(?<![A-Za-z])(?:RMB|USD|CNY|HKD|EUR|GBP|JPY) ?|[¥￥€£])$/;
const CURRENCY_SUFFIX_RE = /^(?:\s?(?:元|美元|港元|港币|欧元|日元|英镑|人民币|块钱|块)|\s(?:USD|RMB|CNY|HKD|EUR|dollars?|yuan)(?![A-Za-z]))/;
const ZH_SCALE_RE = /^(?:万亿|千亿|百亿|十亿|千万|百万|亿|万|千)/;
const ZH_SCALES: Record<string, { exp: number; unit: Unit }> = {
  万亿: { exp: 12, unit: null },
  千亿: { exp: 11, unit: null },
  百亿: { exp: 10, unit: null },
  十亿: { exp: 9, unit: null },
  千万: { exp: 7, unit: null },
  百万: { exp: 6, unit: '百万' },
  亿: { exp: 8, unit: '亿' },
  万: { exp: 4, unit: '万' },
  千: { exp: 3, unit: '千' },
};
const EN_SCALE_RE = /^ ?(thousand|million|billion|trillion|mn|mln|bn|bln|tn)(?![A-Za-z])/i;
// "m", "k", "b" are metres, minutes, kilo-anything, model sizes… unless the number carries a currency ("$5m").
const EN_MONEY_SCALE_RE = /^(k|m|b)(?![A-Za-z0-9_])/i;
const EN_SCALES: Record<string, { exp: number; unit: Unit }> = {
  thousand: { exp: 3, unit: 'thousand' },
  k: { exp: 3, unit: 'thousand' },
  million: { exp: 6, unit: 'million' },
  mn: { exp: 6, unit: 'million' },
  mln: { exp: 6, unit: 'million' },
  m: { exp: 6, unit: 'million' },
  billion: { exp: 9, unit: 'billion' },
  bn: { exp: 9, unit: 'billion' },
  bln: { exp: 9, unit: 'billion' },
  b: { exp: 9, unit: 'billion' },
  trillion: { exp: 12, unit: null },
  tn: { exp: 12, unit: null },
};
// Percentage points are differences of percentages: value in the same space as "3%" so "15% - 12% = 3个百分点" checks.
const PERCENT_POINTS_RE = /^(?:个百分点|百分点| ?(?:percentage points?|pp|ppt)(?![A-Za-z]))/i;
const BASIS_POINTS_RE = /^ ?(?:bps|bp|basis points?)(?![A-Za-z])/i;
const APPROX_BEFORE_RE = /(?:(?:^|[^A-Za-z])(?:about|approximately|approx\.?|around|roughly|nearly|almost|circa|some)|~|≈|≒|约为|约合|大约|大概|将近|接近|差不多|约|(?<![最附])近)\s*$/i;
const APPROX_AFTER_RE = /^(?:\s?(?:左右|上下)|\s(?:or so)(?![A-Za-z]))/;
const ORDINAL_BEFORE_RE =
  /(?:(?:^|[^A-Za-z])(?:steps?|stage|phase|part|section|chapter|item|note|table|figure|fig\.|page|p\.|pp\.|no\.|case|scenario|option|method|approach|question|problem|example|line|row|column|equation|eq\.|appendix|exhibit|schedule|rule|level|tier|rank)|#|第|步骤|方法|方案|情形|情况|问题|(?<!比)例|[见如附][表图]|附注|注释|阶段|排名)\s*$/i;
const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const MONTH_BEFORE_RE = new RegExp(`(?:^|[^A-Za-z])(?:${MONTHS})\\.?,?\\s*$`, 'i');
const MONTH_AFTER_RE = new RegExp(`^\\s*(?:${MONTHS})(?![A-Za-z])`, 'i');
const TIME_WORDS = 'end|start|beginning|middle|half|quarter|close|rest|remainder|spring|summer|autumn|fall|winter|year|years';
const YEAR_BEFORE_RE = new RegExp(
  `(?:(?:^|[^A-Za-z])(?:in|for|during|since|until|till|through|before|after|fiscal(?:\\s+year)?|year(?:-end)?|as of|calendar year|(?:${TIME_WORDS})\\s+of(?:\\s+the\\s+year)?)|年度|截至|截止)\\s*$`,
  'i',
);
const YEAR_AFTER_RE = /^(?:年|财年|财务年度|\s?fiscal(?:\s+year)?(?![A-Za-z]))/i;
// A year modifies the word after it ("the 2018 base", "2023 revenue"); an amount is followed by what it counts, or by a
// word that joins it to the sentence ("2000 shares", "2000 and 3000", "2000 is").
const YEAR_MODIFIES_RE = /^ [A-Za-z]/;
const NOT_YEAR_WORD_RE =
  /^ (?:and|or|nor|but|to|than|of|in|on|at|by|for|from|with|over|under|per|each|into|as|is|are|was|were|be|been|has|have|had|will|would|can|could|may|might|more|less|fewer|plus|minus|times|divided|multiplied|x|vs|versus|shares?|units?|people|persons?|employees?|staff|workers?|customers?|clients?|users?|members?|students?|patients?|households?|stores?|shops?|branches?|outlets?|sites?|locations?|items?|pieces?|products?|copies|tons?|tonnes?|barrels?|ounces?|grams?|kg|km|miles?|sq|square|meters?|metres?|dollars?|yuan|rmb|usd|euros?|pounds?|yen|cents?|points?|bps|basis|seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|contracts?|accounts?|loans?|transactions?|orders?|vehicles?|cars?|homes?|houses?|rooms?|seats?|votes?|lots?|cases?|bottles?|boxes)(?![A-Za-z])/i;
// Durations: a count of time written after an operand, and a duration glued into a term (a label).
const DURATION_AFTER_RE = /^(?:\s?(?:个月|个工作日|工作日|个季度|周|星期|天|日(?:内|以内|之内)|年(?!度|末|初|底|中|报))|\s(?:years?|months?|weeks?|days?|quarters?)(?![A-Za-z]))/i;
const DURATION_LABEL_RE = /^(?:-(?:years?|yrs?|months?|weeks?|days?|quarters?)(?![A-Za-z])|(?:年|个月|月|周|天|日)期)/i;
// "(3)" referring back to a list item: "check on (3):", "见(2)", "step (1)".
const REFERENCE_BEFORE_RE = /(?:(?:^|[^A-Za-z])(?:on|see|per|cf\.?|steps?|items?|parts?|under)|见|如|同|按|根据)\s*$/i;
const YEAR_JOIN_RE = /^\s*(?:-|~|\/|,|，|、|to|and|or|vs\.?|versus|through|至|到|和|与|及|或)\s*$/i;

/** Reads every number in `text`. Offsets are UTF-16 units into `text`; see the module comment for the role rules. */
export function extractNumbers(text: string): NumberMention[] {
  const norm = normalizeNumerals(text);
  const drafts: Draft[] = [];
  let i = 0;
  while (i < norm.length) {
    if (!isDigit(norm[i]) || isDigit(norm[i - 1])) {
      i++;
      continue;
    }
    const compound = readCompound(norm, i);
    if (compound) {
      drafts.push(...compound.drafts);
      i = compound.next;
      continue;
    }
    const d = readNumber(norm, i);
    drafts.push(d.draft);
    i = d.next;
  }
  resolveJoinedRoles(norm, drafts);
  markTableHeaderYears(norm, drafts);
  inheritRangeUnits(norm, drafts);
  return drafts.map((d) => ({
    start: d.start,
    end: d.end,
    raw: text.slice(d.start, d.end),
    value: plain(d.value),
    unit: d.unit,
    approximate: d.approximate,
    role: d.role,
    ...(d.duration ? { duration: true } : {}),
    source: null,
  }));
}

function bareDraft(start: number, end: number, value: string, role: Role): Draft {
  return { start, end, value: new Exact(value), unit: null, approximate: false, role, yearCandidate: false, scaled: false, duration: false, numStart: start, numEnd: end };
}

const isYearValue = (v: number): boolean => v >= 1900 && v <= 2100;

/** Dates, versions, phone numbers and year ranges: runs that must not be read as several numbers and operators. */
function readCompound(norm: string, i: number): { drafts: Draft[]; next: number } | null {
  // A run glued to letters on the left ("v1.2.3", "FY2023-24") still counts; only digits before would be a bug.
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = i;
    return re.exec(norm);
  };
  let m = at(ISO_DATE_RE);
  if (m && +m[3]! >= 1 && +m[3]! <= 12 && +m[4]! >= 1 && +m[4]! <= 31) {
    return { drafts: [bareDraft(i, i + m[0].length, m[1]!, 'date')], next: i + m[0].length };
  }
  m = at(DMY_DATE_RE);
  if (m && +m[1]! >= 1 && +m[1]! <= 31 && +m[3]! >= 1 && +m[3]! <= 31) {
    return { drafts: [bareDraft(i, i + m[0].length, m[1]!, 'date')], next: i + m[0].length };
  }
  m = at(VERSION_RE);
  if (m) return { drafts: [bareDraft(i, i + m[0].length, m[0].split('.')[0]!, 'label')], next: i + m[0].length };
  m = at(PHONE_RE);
  if (m) return { drafts: [bareDraft(i, i + m[0].length, m[0].split('-')[0]!, 'label')], next: i + m[0].length };
  m = at(YEAR_MONTH_RE);
  if (m && isYearValue(+m[1]!) && +m[2]! >= 1 && +m[2]! <= 12) {
    return { drafts: [bareDraft(i, i + m[0].length, m[1]!, 'date')], next: i + m[0].length };
  }
  m = at(YEAR_RANGE_RE);
  if (m) {
    const first = +m[1]!;
    const second = m[3]!;
    const plausible = second.length === 4 ? isYearValue(+second) : +second > first % 100;
    if (isYearValue(first) && plausible) {
      const secondStart = i + m[1]!.length + 1;
      return {
        drafts: [bareDraft(i, i + 4, m[1]!, 'year'), bareDraft(secondStart, secondStart + second.length, second, 'year')],
        next: i + m[0].length,
      };
    }
  }
  return null;
}

function readNumber(norm: string, numStart: number): { draft: Draft; next: number } {
  NUMBER_RE.lastIndex = numStart;
  const match = NUMBER_RE.exec(norm)!; // norm[numStart] is a digit, so the second alternative always matches
  const digits = match[0];
  const numEnd = numStart + digits.length;
  const isInteger = !digits.includes('.');
  const hasSeparator = digits.includes(',');
  let value = new Exact(digits.replace(/,/g, ''));

  // ---- left side: sign, currency, "百分之" ----
  const signAllowedAfter = (c: string | undefined): boolean => c === undefined || !/[0-9A-Za-z_)%.\]]/.test(c);
  let spanStart = numStart;
  let prefixStart = numStart;
  let sign: '+' | '-' | null = null;
  let currency = false;
  if ((norm[numStart - 1] === '-' || norm[numStart - 1] === '+') && signAllowedAfter(norm[numStart - 2])) {
    sign = norm[numStart - 1] as '+' | '-';
    spanStart = prefixStart = numStart - 1;
  }
  const cur = CURRENCY_PREFIX_RE.exec(norm.slice(Math.max(0, prefixStart - 6), prefixStart));
  if (cur) {
    currency = true;
    prefixStart -= cur[0].length;
    if (!sign && (norm[prefixStart - 1] === '-' || norm[prefixStart - 1] === '+') && signAllowedAfter(norm[prefixStart - 2])) {
      sign = norm[prefixStart - 1] as '+' | '-';
      spanStart = prefixStart = prefixStart - 1; // "-$830": the sign belongs to the number, so the span takes the "$" too
    }
  }
  let unit: Unit = null;
  let scaled = false;
  if (!sign && norm.slice(prefixStart - 3, prefixStart) === '百分之') {
    spanStart = prefixStart = prefixStart - 3;
    value = value.div(100);
    unit = '%';
    scaled = true;
  }

  // ---- right side: percent, scale words, then currency and approximation suffixes (not part of raw) ----
  let q = numEnd;
  const rest = () => norm.slice(q, q + 24);
  if (!scaled) {
    let m: RegExpExecArray | null;
    if (norm[q] === '%' || (norm[q] === ' ' && norm[q + 1] === '%')) {
      q += norm[q] === '%' ? 1 : 2;
      value = value.div(100);
      unit = '%';
      scaled = true;
    } else if (norm[q] === '\\' && norm[q + 1] === '%') {
      q += 2; // LaTeX "15\%"
      value = value.div(100);
      unit = '%';
      scaled = true;
    } else if ((m = PERCENT_POINTS_RE.exec(rest()))) {
      q += m[0].length;
      value = value.div(100);
      unit = '%';
      scaled = true;
    } else if ((m = BASIS_POINTS_RE.exec(rest()))) {
      q += m[0].length;
      value = value.div(10000);
      scaled = true;
    } else if ((m = ZH_SCALE_RE.exec(rest()))) {
      const s = ZH_SCALES[m[0]]!;
      q += m[0].length;
      value = value.times(new Exact(10).pow(s.exp));
      unit = s.unit;
      scaled = true;
    } else if ((m = EN_SCALE_RE.exec(rest()))) {
      const s = EN_SCALES[m[1]!.toLowerCase()]!;
      q += m[0].length;
      value = value.times(new Exact(10).pow(s.exp));
      unit = s.unit;
      scaled = true;
    } else if (currency && (m = EN_MONEY_SCALE_RE.exec(rest()))) {
      const s = EN_SCALES[m[1]!.toLowerCase()]!;
      q += m[0].length;
      value = value.times(new Exact(10).pow(s.exp));
      unit = s.unit;
      scaled = true;
    }
  }
  let end = q;
  const curSuffix = CURRENCY_SUFFIX_RE.exec(rest());
  if (curSuffix) {
    currency = true;
    q += curSuffix[0].length;
  }
  let approximate = false;
  const approxAfter = APPROX_AFTER_RE.exec(rest());
  if (approxAfter) {
    approximate = true;
    q += approxAfter[0].length;
  }

  // ---- accounting negatives and list markers: "(830)", "（830万元）", but "(1) " starting a list item ----
  let role: Role = 'operand';
  let openParen = -1;
  {
    let a = prefixStart - 1;
    while (norm[a] === ' ') a--;
    let b = end;
    if (curSuffix) b = q - (approxAfter ? approxAfter[0].length : 0);
    while (norm[b] === ' ') b++;
    if (norm[a] === '(' && norm[b] === ')' && !sign) {
      openParen = a;
      let before = a - 1;
      while (norm[before] === ' ') before--;
      const lineStart = before < 0 || norm[before] === '\n' || /^[\s>#*+-]*$/.test(lineBefore(norm, a));
      const afterPunct = /[:：;；。，,、]/.test(norm[before] ?? '');
      const reference = /^\s*[:：]/.test(norm.slice(b + 1, b + 4)) || REFERENCE_BEFORE_RE.test(norm.slice(Math.max(0, a - 16), a));
      if (isInteger && !hasSeparator && digits.length <= 2 && !currency && !scaled && (lineStart || afterPunct || reference)) {
        role = 'ordinal';
      } else if (/[×*/÷^]/.test(norm[before] ?? '') || (norm[before] === 'x' && !isAsciiLetter(norm[before - 1])) || /^\)\s*\^/.test(norm.slice(b, b + 8))) {
        // "1,000 × (1.05)" and "(1.21)^(1/2)": grouping parentheses around a factor or a base, not a negative
        openParen = -1;
      } else {
        value = value.negated();
        spanStart = a;
        end = b + 1;
        q = Math.max(q, end);
      }
    }
  }
  if (sign === '-') value = value.negated();

  // ---- approximation written before ----
  const beforeStart = openParen >= 0 ? openParen : prefixStart;
  const approxBefore = APPROX_BEFORE_RE.exec(norm.slice(Math.max(0, beforeStart - 24), beforeStart));
  if (approxBefore) {
    // "5~10%" is a range, not "about 10%"
    const tilde = approxBefore[0].trimEnd().endsWith('~');
    const beforeTilde = norm[beforeStart - approxBefore[0].length + approxBefore[0].indexOf('~') - 1];
    if (!tilde || !isDigit(beforeTilde)) approximate = true;
  }

  const yearCandidate =
    isInteger && !hasSeparator && digits.length === 4 && isYearValue(+digits) && !sign && !currency && !scaled && openParen < 0;
  const draft: Draft = { start: spanStart, end, value, unit, approximate, role, yearCandidate, scaled, duration: false, numStart, numEnd };
  if (role === 'operand') draft.role = classify(norm, draft, { prefixStart, suffixEnd: q, digits, isInteger, currency, scaled });
  if (!currency && !scaled && end === numEnd) {
    const after = norm.slice(numEnd, numEnd + 12);
    draft.duration = (draft.role === 'operand' && DURATION_AFTER_RE.test(after)) || (draft.role === 'label' && DURATION_LABEL_RE.test(after));
  }
  return { draft, next: Math.max(q, end) };
}

/** Text between the line start and `pos`, at most 16 characters (callers only test it for bullets / indentation). */
function lineBefore(norm: string, pos: number): string {
  let q = pos - 1;
  while (q >= 0 && q >= pos - 16 && norm[q] !== '\n') q--;
  return q < 0 || norm[q] === '\n' ? norm.slice(q + 1, pos) : norm.slice(q + 1, pos) + '\u0000';
}

interface ClassifyInput {
  prefixStart: number;
  suffixEnd: number;
  digits: string;
  isInteger: boolean;
  currency: boolean;
  scaled: boolean;
}

/** Role from what surrounds the number. Order matters: identifiers first (a glued letter wins over any context). */
function classify(norm: string, d: Draft, c: ClassifyInput): Role {
  const { numStart, numEnd } = d;
  const bare = c.isInteger && !c.currency && !c.scaled && d.start === numStart;
  const n = c.isInteger ? Number(c.digits.replace(/,/g, '')) : NaN;
  const left = norm[c.prefixStart - 1];
  const right = norm[c.suffixEnd];

  // Glued to letters on the right: ordinal suffixes, multiples ("3x"), estimate years ("2023E"), else an identifier.
  if (c.suffixEnd === numEnd && isWordChar(right)) {
    const after = norm.slice(numEnd, numEnd + 4);
    if (c.isInteger && /^(?:st|nd|rd|th)(?![A-Za-z])/i.test(after)) return 'ordinal';
    if (/^[xX](?![A-Za-z_])/.test(after)) return identifierOnLeft(norm, c.prefixStart, left, d, c) ?? 'operand';
    if (d.yearCandidate && /^(?:[AEFaef]|Q[1-4]|H[12])(?![A-Za-z_])/.test(after)) return 'year';
    return 'label';
  }
  const viaLeft = identifierOnLeft(norm, c.prefixStart, left, d, c);
  if (viaLeft) return viaLeft;
  // "COVID-19", "10-K", "3-year": hyphenated into a word
  if (left === '-' && isAsciiLetter(norm[c.prefixStart - 2])) return 'label';
  if (norm[numEnd] === '-' && isAsciiLetter(norm[numEnd + 1])) return 'label';

  const before = norm.slice(Math.max(0, c.prefixStart - 32), c.prefixStart);
  const after = norm.slice(c.suffixEnd, c.suffixEnd + 16);

  // Footnotes "[1]", "【1】"
  if (bare && /[[【]$/.test(before) && /^[\]】]/.test(after) && c.digits.length <= 3) return 'label';
  // A duration glued into a term: "5年期国债", "6个月期" (like "5-year" above)
  if (!c.currency && !c.scaled && d.end === numEnd && /^(?:年|个月|月|周|天|日)期/.test(after)) return 'label';
  // Chinese dates: 3月, 31日, 31号, 3季度 (but 3个月 and 3日内 are durations, operands)
  if (bare && d.end === numEnd) {
    if (/^月/.test(after) && n >= 1 && n <= 12) return 'date';
    if (/^[日号]/.test(after) && !/^日(?:内|以内|之内)/.test(after) && n >= 1 && n <= 31) return 'date';
    if (/^季度/.test(after) && n >= 1 && n <= 4) return 'date';
  }
  if (bare && ORDINAL_BEFORE_RE.test(before)) return 'ordinal';
  // List markers: "1. ", "2) ", "3、" at a line start (after bullets / quote marks), or "、" / ")" after a colon
  if (bare && !c.digits.includes(',') && c.digits.length <= 3 && d.end === numEnd) {
    const marker = /^[.)、](?!\d)/.exec(after);
    const atLineStart = /^[\s>#*+-]*$/.test(lineBefore(norm, c.prefixStart));
    if (marker && (atLineStart || (marker[0] !== '.' && /[:：]\s*$/.test(before)))) return 'ordinal';
  }
  // English dates: "March 31", "31 March"; years after a month: "March 2024"
  if (bare && c.digits.length <= 2 && n >= 1 && n <= 31 && (MONTH_BEFORE_RE.test(before) || MONTH_AFTER_RE.test(after))) return 'date';
  if (d.yearCandidate) {
    if (YEAR_AFTER_RE.test(after) || YEAR_BEFORE_RE.test(before) || MONTH_BEFORE_RE.test(before)) return 'year';
    if (YEAR_MODIFIES_RE.test(after) && !NOT_YEAR_WORD_RE.test(after)) return 'year';
  }
  return 'operand';
}

/** Glued to letters on the left: FY2024 (year), Q3 / H1 (date), "3x4" (operand after a multiplication x), else a label. */
function identifierOnLeft(norm: string, prefixStart: number, left: string | undefined, d: Draft, c: ClassifyInput): Role | null {
  if (left === '_') return 'label';
  if (!isAsciiLetter(left)) return null;
  const word = /[A-Za-z_]+$/.exec(norm.slice(Math.max(0, prefixStart - 16), prefixStart))![0];
  const wordStart = prefixStart - word.length;
  const gluedBefore = norm[wordStart - 1];
  if (/^(?:FY|CY|FYE)$/i.test(word) && c.isInteger && (c.digits.length === 2 || c.digits.length === 4)) return 'year';
  if (word === 'x' || word === 'X') {
    // "3x4" is a product; "x86" (nothing numeric before the x) is an identifier
    if (isDigit(gluedBefore) || gluedBefore === ')' || gluedBefore === '%') return null;
    return 'label';
  }
  if (isWordChar(norm[c.suffixEnd]) && c.suffixEnd === d.numEnd) return 'label';
  if (/^[Qq]$/.test(word) && c.digits.length === 1 && +c.digits >= 1 && +c.digits <= 4 && !isWordChar(gluedBefore)) return 'date';
  if (/^[Hh]$/.test(word) && c.digits.length === 1 && +c.digits >= 1 && +c.digits <= 2 && !isWordChar(gluedBefore)) return 'date';
  return 'label';
}

/**
 * Years by company: "2022 and 2023", "from 2019 to 2023", "Q3 2024", "March 31, 2024". A year candidate joined to a
 * year (or to another candidate) or right after a date becomes a year too. Runs left to right so chains propagate;
 * then once right to left so the first of a pair learns from the second.
 */
function resolveJoinedRoles(norm: string, drafts: Draft[]): void {
  const joinable = (a: Draft, b: Draft): boolean => YEAR_JOIN_RE.test(norm.slice(a.end, b.start)) || /^\s*$/.test(norm.slice(a.end, b.start));
  for (let k = 1; k < drafts.length; k++) {
    const a = drafts[k - 1]!;
    const b = drafts[k]!;
    if (b.role !== 'operand' || !b.yearCandidate) continue;
    const between = norm.slice(a.end, b.start);
    if ((a.role === 'year' && joinable(a, b)) || (a.role === 'date' && /^[\s,，]*$/.test(between))) b.role = 'year';
    else if (a.role === 'operand' && a.yearCandidate && YEAR_JOIN_RE.test(between) && !/^\s*[,，]\s*$/.test(between)) {
      a.role = 'year';
      b.role = 'year';
    }
  }
  for (let k = drafts.length - 2; k >= 0; k--) {
    const a = drafts[k]!;
    const b = drafts[k + 1]!;
    if (a.role === 'operand' && a.yearCandidate && b.role === 'year' && YEAR_JOIN_RE.test(norm.slice(a.end, b.start))) a.role = 'year';
  }
}

/** A year candidate alone in a cell of a markdown table's header row (the row above `|---|`) is a column header. */
function markTableHeaderYears(norm: string, drafts: Draft[]): void {
  if (!norm.includes('|')) return;
  for (const d of drafts) {
    if (!d.yearCandidate || d.role !== 'operand') continue;
    const lineStart = norm.lastIndexOf('\n', d.start - 1) + 1;
    let lineEnd = norm.indexOf('\n', d.end);
    if (lineEnd < 0) lineEnd = norm.length;
    const nextEnd = norm.indexOf('\n', lineEnd + 1);
    const nextLine = norm.slice(lineEnd + 1, nextEnd < 0 ? norm.length : nextEnd);
    if (!/^\s*\|?\s*:?-{3,}/.test(nextLine)) continue;
    const cellStart = norm.lastIndexOf('|', d.start - 1);
    const cellEnd = norm.indexOf('|', d.end);
    const cellLeft = norm.slice(Math.max(cellStart + 1, lineStart), d.start);
    const cellRight = norm.slice(d.end, cellEnd < 0 || cellEnd > lineEnd ? lineEnd : cellEnd);
    if (/^\s*(?:FY)?\s*$/i.test(cellLeft) && /^\s*(?:年|[AEF])?\s*$/.test(cellRight)) d.role = 'year';
  }
}

/**
 * Ranges share their unit: "5-10%" is 5% to 10%, "3~5亿" is 3亿 to 5亿, "1-3月" is January to March. Only a glued
 * connector (or 至/到) counts, so "20 - 5%" stays a subtraction for the calculation finder to judge.
 */
function inheritRangeUnits(norm: string, drafts: Draft[]): void {
  for (let k = 1; k < drafts.length; k++) {
    const a = drafts[k - 1]!;
    const b = drafts[k]!;
    if (a.role !== 'operand' || a.scaled || a.end !== a.numEnd || a.start !== a.numStart) continue;
    const between = norm.slice(a.end, b.start);
    if (!/^(?:[-~]|\s*[至到]\s*)$/.test(between)) continue;
    if (b.role === 'date' && b.end === b.numEnd) {
      a.role = 'date';
      continue;
    }
    if (b.role !== 'operand' || !b.scaled) continue;
    const scale = new Exact(norm.slice(b.numStart, b.numEnd).replace(/,/g, '')).isZero()
      ? null
      : b.value.abs().div(new Exact(norm.slice(b.numStart, b.numEnd).replace(/,/g, '')));
    if (!scale) continue;
    a.value = a.value.times(scale);
    a.unit = b.unit;
    a.scaled = true;
    a.yearCandidate = false;
  }
}
