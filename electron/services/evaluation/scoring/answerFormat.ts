import { lastBoxed } from '../../inspector/answer';

/**
 * DianJin-R1 answers as `<think>…</think><answer>…\boxed{…}</answer>`. This reads the answer out of an output and says
 * whether the output kept that format; the format rule is also GRPO's format reward, so it is strict and exact (a
 * reward that is lenient here gets gamed), while the extraction is lenient (an item whose format slipped can still be
 * scored on what it answered).
 */

export interface ExtractAnswerOptions {
  /**
   * The chat template opened the think block in the prompt, so the output starts inside the reasoning and has
   * `</think>` without `<think>`; an explicit `<think>` in the output is then a second think block. Defaults to
   * detecting it: an output whose first tag is `</think>` is taken as started in reasoning.
   */
  startInReasoning?: boolean;
}

export interface ExtractedAnswer {
  /** Exactly one think block, then exactly one `<answer>` block holding a non-empty `\boxed{…}`, nothing else. */
  formatOk: boolean;
  /** The answer block's text (tags removed); when there is none, the text after `</think>`, else the output's tail. */
  answerText: string;
  /** The content of the last complete `\boxed{…}`: in the answer block, else anywhere; null when there is none. */
  boxed: string | null;
  /** The think block's text (tags removed); empty when the output has none. */
  reasoning: string;
}

/** What scorers need beyond the public shape: the text the box was read from, for a unit written after it. */
export interface LocatedAnswer extends ExtractedAnswer {
  boxedIn: string | null;
}

type TagName = 'think' | '/think' | 'answer' | '/answer';

interface Tag {
  name: TagName;
  start: number;
  end: number;
}

// Whitespace inside a tag is tolerated ("< /answer >"): models emit it, and it changes nothing a reader sees.
const TAG_RE = /<\s*(\/?)\s*(think|answer)\s*>/gi;
// End-of-turn tokens a raw completion may still carry: <|im_end|>, <|endoftext|>, DeepSeek's <｜end▁of▁sentence｜>.
const TRAILING_SPECIAL_RE = /(?:\s*<[|｜][^<>]{0,40}[|｜]>)+\s*$/;
/** The fallback answer when nothing marks one: the last line, at most this long. */
const TAIL_CHARS = 300;

function findTags(text: string): Tag[] {
  const tags: Tag[] = [];
  for (const m of text.matchAll(TAG_RE)) {
    tags.push({ name: `${m[1] ? '/' : ''}${m[2]!.toLowerCase()}` as TagName, start: m.index, end: m.index + m[0].length });
  }
  return tags;
}

const isBlank = (s: string): boolean => s.trim() === '';
const stripTags = (s: string): string => s.replace(TAG_RE, '');

/** Reads the answer of a DianJin-R1 output; never throws (empty or truncated outputs give `formatOk: false`). */
export function extractAnswer(output: string, options: ExtractAnswerOptions = {}): ExtractedAnswer {
  const { boxedIn: _boxedIn, ...answer } = locateAnswer(output, options);
  return answer;
}

/** GRPO's format reward: 1 when the output keeps the DianJin-R1 format (`extractAnswer`'s `formatOk`), else 0. */
export function formatReward(output: string, options: ExtractAnswerOptions = {}): 0 | 1 {
  const text = output.replace(TRAILING_SPECIAL_RE, '');
  return isWellFormed(text, findTags(text), options.startInReasoning) ? 1 : 0;
}

/** `extractAnswer`, plus where the box was found. */
export function locateAnswer(output: string, options: ExtractAnswerOptions = {}): LocatedAnswer {
  const text = output.replace(TRAILING_SPECIAL_RE, '');
  const tags = findTags(text);
  const formatOk = isWellFormed(text, tags, options.startInReasoning);
  const region = answerRegion(text, tags);
  const inRegion = region === null ? null : lastBoxed(region);
  const anywhere = inRegion ? null : lastBoxed(text);
  const regionText = region === null ? '' : stripTags(region).trim();
  return {
    formatOk,
    answerText: regionText !== '' ? regionText : tail(text),
    boxed: (inRegion ?? anywhere)?.content ?? null,
    boxedIn: inRegion ? region : anywhere ? text : null,
    reasoning: reasoningOf(text, tags, options.startInReasoning),
  };
}

/**
 * The format rule. The tags must be exactly `<think> </think> <answer> </answer>` in that order (without the first
 * when the template opened the think block), with only whitespace before `<think>`, between `</think>` and `<answer>`
 * and after `</answer>`; the answer must hold a complete, non-empty `\boxed{…}`.
 */
function isWellFormed(text: string, tags: readonly Tag[], startInReasoning: boolean | undefined): boolean {
  const opened = startInReasoning ?? tags[0]?.name === '/think';
  const expected: TagName[] = opened ? ['/think', 'answer', '/answer'] : ['think', '/think', 'answer', '/answer'];
  if (tags.length !== expected.length || tags.some((t, i) => t.name !== expected[i])) return false;
  const [closeThink, openAnswer, closeAnswer] = tags.slice(opened ? 0 : 1) as [Tag, Tag, Tag];
  if (!opened && !isBlank(text.slice(0, tags[0]!.start))) return false;
  if (!isBlank(text.slice(closeThink.end, openAnswer.start)) || !isBlank(text.slice(closeAnswer.end))) return false;
  const box = lastBoxed(text.slice(openAnswer.end, closeAnswer.start));
  return box !== null && box.content !== '';
}

/**
 * The text of the last `<answer>` block (to its `</answer>`, or to the end when it was cut off); without one, the
 * text after the last `</think>`; null when neither exists.
 */
function answerRegion(text: string, tags: readonly Tag[]): string | null {
  const open = tags.findLastIndex((t) => t.name === 'answer');
  if (open >= 0) {
    const close = tags.slice(open + 1).find((t) => t.name === '/answer');
    return text.slice(tags[open]!.end, close ? close.start : text.length);
  }
  const thinkEnd = tags.findLast((t) => t.name === '/think');
  return thinkEnd ? text.slice(thinkEnd.end) : null;
}

/** The last non-empty line, capped: an output with no answer marker most likely ends with its conclusion. */
function tail(text: string): string {
  const lines = stripTags(text).trim().split(/\r?\n/);
  const last = lines.findLast((l) => !isBlank(l))?.trim() ?? '';
  return last.length > TAIL_CHARS ? last.slice(-TAIL_CHARS) : last;
}

/**
 * The reasoning: everything before the last `</think>` (think tags removed, so two blocks read as one); when the
 * output never closed its think block, everything from its opening up to any `<answer>`.
 */
function reasoningOf(text: string, tags: readonly Tag[], startInReasoning: boolean | undefined): string {
  const thinkEnd = tags.findLast((t) => t.name === '/think');
  if (thinkEnd) return stripTags(text.slice(0, thinkEnd.start)).trim();
  const open = tags.find((t) => t.name === 'think');
  if (!open && !startInReasoning) return '';
  const answer = tags.find((t) => t.name === 'answer' && t.start >= (open?.end ?? 0));
  return stripTags(text.slice(open?.end ?? 0, answer ? answer.start : text.length)).trim();
}
