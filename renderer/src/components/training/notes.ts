/**
 * The service's line-numbered notes about training data ("line 3: not JSON") and its estimate's advice ("Lower the
 * context length to 512 tokens …") come as English sentences. The known ones are read back into a translation key
 * with their numbers, so a Chinese UI shows them in Chinese; anything else is shown as the service wrote it.
 */
import type { TFunction } from 'i18next';

export type NoteWhere = 'line' | 'item' | 'answer';

export type NoteKind =
  | 'notJson'
  | 'notJsonArray'
  | 'notObject'
  | 'noQuestion'
  | 'emptyAnswer'
  | 'answerNotText'
  | 'reasoningNotText'
  | 'noReasoning'
  | 'wholeAnswerBoxed'
  | 'tooLong'
  | 'notCorrect'
  | 'failedToGenerate'
  | 'messageGone'
  | 'notAnAnswer'
  | 'noQuestionBefore';

export interface ParsedNote {
  where: NoteWhere | null;
  /** The line number, item id or answer position; null for a note about the whole set. */
  at: string | null;
  kind: NoteKind | 'more' | null;
  /** Numbers the message carries (tokens, context; dropped notes). */
  params: Record<string, string>;
  /** The note's text after its location, as written. */
  text: string;
}

const problems: Array<[RegExp, NoteKind, string[]]> = [
  [/^not JSON \(a JSON array/, 'notJsonArray', []],
  [/^not JSON$/, 'notJson', []],
  [/^not a JSON object$/, 'notObject', []],
  [/^no question\b/, 'noQuestion', []],
  [/^empty answer\b/, 'emptyAnswer', []],
  [/^"answer" must be text$/, 'answerNotText', []],
  [/^"reasoning" must be text$/, 'reasoningNotText', []],
  [/^no reasoning\b/, 'noReasoning', []],
  [/^the whole answer was put in/, 'wholeAnswerBoxed', []],
  [/^(\d+) tokens; does not fit a (\d+)-token context/, 'tooLong', ['tokens', 'limit']],
  [/^left out, the model's answer was not correct$/, 'notCorrect', []],
  [/^it failed to generate/, 'failedToGenerate', []],
  [/^message \S+ no longer exists$/, 'messageGone', []],
  [/^message \S+ is a question, not an answer$/, 'notAnAnswer', []],
  [/^it has no question before it$/, 'noQuestionBefore', []],
];

export function parseNote(note: string): ParsedNote {
  const more = /^… and (\d+) more$/.exec(note);
  if (more) return { where: null, at: null, kind: 'more', params: { count: more[1]! }, text: note };
  const located = /^(line|item|answer) ([^:]+): (.*)$/s.exec(note);
  const where = (located?.[1] as NoteWhere | undefined) ?? null;
  const at = located?.[2] ?? null;
  const text = located?.[3] ?? note;
  for (const [pattern, kind, names] of problems) {
    const match = pattern.exec(text);
    if (!match) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = match[i + 1]!));
    return { where, at, kind, params, text };
  }
  return { where, at, kind: null, params: {}, text };
}

/** A note in the UI language: "第 3 行：不是 JSON". */
export function noteText(t: TFunction, note: string): string {
  const parsed = parseNote(note);
  if (parsed.kind === 'more') return t('training.notes.more', { count: Number(parsed.params.count) });
  const body =
    parsed.kind === 'tooLong'
      ? t('training.notes.kinds.tooLong', { tokens: parsed.params.tokens ?? '', limit: parsed.params.limit ?? '' })
      : parsed.kind
        ? t(`training.notes.kinds.${parsed.kind}`)
        : parsed.text;
  if (!parsed.where || parsed.at === null) return body;
  return t(`training.notes.where.${parsed.where}`, { at: parsed.at, text: body });
}

/** The estimate's advice in the UI language (the known sentences; others as written). */
export function adviceText(t: TFunction, advice: string): string {
  // GRPO's (prompt and answer must still fit) before SFT's (longer examples are left out).
  const grpoContext = /^Lower the context length to (\d+) tokens \(a prompt and its answer/.exec(advice);
  if (grpoContext) return t('training.advice.grpoContext', { limit: grpoContext[1] });
  const context = /^Lower the context length to (\d+) tokens/.exec(advice);
  if (context) return t('training.advice.context', { limit: context[1] });
  const rank = /^Lower the LoRA rank \((\d+) now\)/.exec(advice);
  if (rank) return t('training.advice.rank', { rank: rank[1] });
  if (/^Use a quantized base model/.test(advice)) return t('training.advice.quantize');
  if (/^Use a smaller model\.$/.test(advice)) return t('training.advice.smaller');
  if (/^Use a smaller model, or a machine with more memory/.test(advice)) return t('training.advice.machine');
  if (/^Gradient accumulation does not add memory/.test(advice)) return t('training.advice.accumulation');
  const group = /^Lower the group size to (\d+) answers per prompt/.exec(advice);
  if (group) return t('training.advice.group', { group: group[1] });
  const prompts = /^Lower the prompts per step to (\d+)/.exec(advice);
  if (prompts) return t('training.advice.promptsPerStep', { prompts: prompts[1] });
  const answer = /^Lower the answer length to (\d+) tokens/.exec(advice);
  if (answer) return t('training.advice.answerLength', { tokens: answer[1] });
  return advice;
}

/** The line-numbered errors a refused file carries in its details (TRAIN_DATA_INVALID). */
export function detailErrors(details: Record<string, unknown> | undefined): string[] {
  const errors = details?.errors;
  return Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string') : [];
}
