import type { CalculationCheck, NumberSource, StepKind, TraceCheckResult, TraceInput } from '../../shared/inspection';

/**
 * A checked trace as files a reviewer keeps: Markdown to read (English or Chinese headings) and a stable JSON
 * document to archive or diff (`format: 'dianjin-trace-check/1'`, keys always in the same order).
 */

export interface TraceMarkdownOptions {
  /** Heading of the file. Defaults to "Trace check" / "推理检查". */
  title?: string;
  /** Language of the headings and labels (the trace itself is quoted as is). Defaults to `'en'`. */
  locale?: 'en' | 'zh-CN';
}

type Labels = {
  title: string;
  question: string;
  summary: string;
  steps: string;
  answer: string;
  kinds: Record<StepKind, string>;
  checked: (n: number) => string;
  errors: (n: number) => string;
  affected: (n: number) => string;
  unsourced: (n: number) => string;
  affectedStep: string;
  shouldBe: (expected: string, computed: string) => string;
  affectedBy: (step: number) => string;
  unverifiable: string;
  unsourcedNumbers: string;
  answerValue: string;
  lastComputed: string;
  consistent: Record<'true' | 'false' | 'null', string>;
  noSteps: string;
  context: (chars: number) => string;
};

const LABELS: Record<'en' | 'zh-CN', Labels> = {
  en: {
    title: 'Trace check',
    question: 'Question',
    summary: 'Summary',
    steps: 'Steps',
    answer: 'Answer',
    kinds: { lookup: 'Lookup', calculation: 'Calculation', assumption: 'Assumption', check: 'Check', conclusion: 'Conclusion', other: 'Other' },
    checked: (n) => `${n} calculation${n === 1 ? '' : 's'} checked`,
    errors: (n) => `${n} wrong`,
    affected: (n) => `${n} affected by an earlier error`,
    unsourced: (n) => `${n} unsourced number${n === 1 ? '' : 's'}`,
    affectedStep: 'affected by an earlier error',
    shouldBe: (expected, computed) => (expected === computed ? `should be ${expected}` : `should be ${expected} (exactly ${computed})`),
    affectedBy: (step) => `right given the wrong result of step ${step}`,
    unverifiable: 'not verifiable',
    unsourcedNumbers: 'Unsourced',
    answerValue: 'Answer value',
    lastComputed: 'Last computed value',
    consistent: { true: '✓ consistent with the trace', false: '✗ inconsistent with the trace', null: '— nothing to compare' },
    noSteps: 'No reasoning.',
    context: (chars) => `Context: ${chars} characters (not included).`,
  },
  'zh-CN': {
    title: '推理检查',
    question: '问题',
    summary: '概要',
    steps: '推理步骤',
    answer: '答案',
    kinds: { lookup: '查找', calculation: '计算', assumption: '假设', check: '检查', conclusion: '结论', other: '其他' },
    checked: (n) => `已检查 ${n} 处计算`,
    errors: (n) => `${n} 处错误`,
    affected: (n) => `${n} 处受前面错误影响`,
    unsourced: (n) => `${n} 个数字无来源`,
    affectedStep: '受前面错误影响',
    shouldBe: (expected, computed) => (expected === computed ? `应为 ${expected}` : `应为 ${expected}（精确值 ${computed}）`),
    affectedBy: (step) => `按第 ${step} 步的错误结果计算无误`,
    unverifiable: '无法验证',
    unsourcedNumbers: '无来源',
    answerValue: '答案数值',
    lastComputed: '最后计算结果',
    consistent: { true: '✓ 与推理一致', false: '✗ 与推理不一致', null: '— 无可比较' },
    noSteps: '没有推理内容。',
    context: (chars) => `参考资料：${chars} 个字符（未收录）。`,
  },
};

/** Quotes text as a Markdown blockquote, line by line. */
const quote = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => (line.trim() === '' ? '>' : `> ${line}`))
    .join('\n');

/** An inline code span that survives backticks in the content. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function checkLine(check: CalculationCheck, l: Labels): string {
  const calc = code(`${check.expression} = ${check.claimed}`);
  switch (check.status) {
    case 'correct':
      return `- ✓ ${calc}`;
    case 'wrong':
      return `- ✗ ${calc} — ${l.shouldBe(check.expected, check.computed)}`;
    case 'affected':
      return `- ⚠ ${calc} — ${l.affectedBy((check.origin?.stepIndex ?? 0) + 1)}`;
    case 'unverifiable':
      return `- ? ${calc} — ${l.unverifiable}`;
  }
}

export function traceToMarkdown(input: TraceInput, result: TraceCheckResult, options: TraceMarkdownOptions = {}): string {
  const l = LABELS[options.locale ?? 'en'];
  const out: string[] = [`# ${options.title ?? l.title}`, ''];
  if (input.question?.trim()) out.push(`## ${l.question}`, '', quote(input.question.trim()), '');
  if (input.context) out.push(l.context(input.context.length), '');

  const affected = result.steps.reduce((n, s) => n + s.checks.filter((c) => c.status === 'affected').length, 0);
  out.push(`## ${l.summary}`, '');
  out.push(`- ${l.checked(result.checked)}`, `- ${l.errors(result.errors)}`);
  if (affected > 0) out.push(`- ${l.affected(affected)}`);
  out.push(`- ${l.unsourced(result.unsourcedNumbers)}`, `- ${l.answer}: ${l.consistent[String(result.answer.consistent) as 'true' | 'false' | 'null']}`, '');

  out.push(`## ${l.steps}`, '');
  if (result.steps.length === 0) out.push(l.noSteps, '');
  for (const step of result.steps) {
    const flags = [step.checks.some((c) => c.status === 'wrong') ? '✗' : '', step.affected ? `⚠ ${l.affectedStep}` : ''].filter(Boolean).join(' ');
    out.push(`### ${step.index + 1}. ${l.kinds[step.kind]}${flags ? ` ${flags}` : ''}`, '', quote(step.text), '');
    for (const check of step.checks) out.push(checkLine(check, l));
    const unsourced = step.numbers.filter((n) => n.source?.kind === 'unsourced').map((n) => code(n.raw));
    if (unsourced.length > 0) out.push(`- ${l.unsourcedNumbers}: ${unsourced.join(', ')}`);
    if (step.checks.length > 0 || unsourced.length > 0) out.push('');
  }

  const a = result.answer;
  out.push(`## ${l.answer}`, '');
  if (input.answer?.trim()) out.push(quote(input.answer.trim()), '');
  out.push(`- ${l.answerValue}: ${a.answerRaw === null ? '—' : code(a.answerRaw)}`);
  out.push(`- ${l.lastComputed}: ${a.lastComputed ?? '—'}`);
  out.push(`- ${l.consistent[String(a.consistent) as 'true' | 'false' | 'null']}${a.note ? ` — ${a.note}` : ''}`);
  return out.join('\n') + '\n';
}

export const TRACE_CHECK_FORMAT = 'dianjin-trace-check/1';

/** The JSON document: the input as given and the result, every object's keys in a fixed order. */
export interface TraceCheckDocument {
  format: typeof TRACE_CHECK_FORMAT;
  input: { question: string; reasoning: string; answer: string; context?: string };
  result: TraceCheckResult;
}

export function traceToJson(input: TraceInput, result: TraceCheckResult): string {
  const doc: TraceCheckDocument = {
    format: TRACE_CHECK_FORMAT,
    input: {
      question: input.question ?? '',
      reasoning: input.reasoning,
      answer: input.answer ?? '',
      ...(input.context !== undefined ? { context: input.context } : {}),
    },
    result: {
      errors: result.errors,
      checked: result.checked,
      unsourcedNumbers: result.unsourcedNumbers,
      answer: {
        ...pick(result.answer, ['answerValue', 'answerRaw', 'lastComputed', 'consistent', 'correctValue']),
        ...(result.answer.source ? { source: pick(result.answer.source, ['stepIndex', 'checkIndex']) } : {}),
        ...pick(result.answer, ['note']),
      },
      steps: result.steps.map((s) => ({
        index: s.index,
        start: s.start,
        end: s.end,
        kind: s.kind,
        affected: s.affected,
        text: s.text,
        numbers: s.numbers.map((n) => ({
          ...pick(n, ['start', 'end', 'raw', 'value', 'unit', 'approximate', 'role', 'duration']),
          source: n.source && orderedSource(n.source),
        })),
        checks: s.checks.map((c) => pick(c, ['start', 'end', 'expression', 'claimed', 'computed', 'expected', 'status', 'origin', 'note', 'intermediates'])),
      })),
    },
  };
  return JSON.stringify(doc, null, 2);
}

function orderedSource(source: NumberSource): NumberSource {
  switch (source.kind) {
    case 'question':
      return pick(source, ['kind', 'start', 'end']);
    case 'context':
      return pick(source, ['kind', 'start', 'end', 'page', 'documentId']);
    case 'derived':
      return pick(source, ['kind', 'stepIndex', 'checkIndex']);
    case 'unsourced':
      return { kind: 'unsourced' };
  }
}

/** The listed keys in the listed order; absent ones left out (so documents differ only where results do). */
function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (value[k] !== undefined) out[k] = value[k];
  return out;
}
