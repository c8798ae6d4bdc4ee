import { AppError } from './errors';

/**
 * Splits DianJin-R1 output (`<think>…</think><answer>…\boxed{…}</answer>`) into reasoning and answer while tokens
 * stream in. Runs once per generated token, so each push costs O(chunk): no regex over the accumulated text.
 */

/** What became definite with one push (tags stripped), ready to append to the display. */
export interface ReasoningDelta {
  reasoning: string;
  answer: string;
}

export interface ReasoningSplit {
  /** Text inside `<think>…</think>`, trimmed. */
  reasoning: string;
  /** Inner text of `<answer>…</answer>` when that tag came, else the text after `</think>`; trimmed. */
  answer: string;
  hasAnswerTag: boolean;
  /** False only when the output ended (or has so far) inside reasoning: no `</think>` or `<answer>` came. */
  reasoningClosed: boolean;
  /** Whether a reasoning phase happened at all. */
  thought: boolean;
  /** Content of the last complete `\boxed{…}` in the answer, trimmed; null when there is none. */
  boxed: string | null;
}

export interface ReasoningStreamParserOptions {
  /**
   * The chat template already opened `<think>` in the prompt, so the output starts inside reasoning (a `<think>` the
   * model repeats at the very start is still swallowed). When false, the output is reasoning only if it starts with
   * `<think>` after optional whitespace; otherwise the model is not thinking, everything is answer and a later
   * `<think>` is literal text (an `<answer>` tag is still honoured).
   * Defaults to `false`.
   */
  startInReasoning?: boolean;
}

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const ANSWER_OPEN = '<answer>';
const ANSWER_CLOSE = '</answer>';

/**
 * - lead: nothing but whitespace yet; deciding whether the output opens with `<think>`.
 * - reasoning: inside `<think>`.
 * - loose: answer text not wrapped in `<answer>` (after `</think>`, or from a model that never thinks).
 * - answer: inside `<answer>`.
 * - done: after `</answer>`; the rest is not part of the answer and is dropped.
 */
type Phase = 'lead' | 'reasoning' | 'loose' | 'answer' | 'done';

/** Tags that mean something in each phase; any other `<…>` is literal text. */
const TAGS: Record<Exclude<Phase, 'lead'>, readonly string[]> = {
  reasoning: [THINK_CLOSE, ANSWER_OPEN], // `<answer>` while reasoning means the model skipped `</think>`
  loose: [ANSWER_OPEN],
  answer: [ANSWER_CLOSE],
  done: [],
};

/** The same whitespace `String.prototype.trim` removes, so dropping it here and trimming later agree. */
const WHITESPACE = /\s/;

/** Drops leading whitespace so a phase's first delta starts with visible text (results are trimmed anyway). */
function trimStartIf(text: string, atStart: boolean): string {
  return atStart ? text.trimStart() : text;
}

/**
 * Streaming splitter. Holds back only a possible partial tag at the end of the input (at most 8 characters, one less
 * than `</answer>`), so the display lags the model by a few characters at most.
 *
 * Answer deltas: whitespace before `<answer>` is never emitted. Non-whitespace text between `</think>` and `<answer>`
 * is emitted as answer as it arrives, because waiting for a tag that may never come would stall the display; if
 * `<answer>` then comes, `result.answer` is canonical (tag content only) and the UI should replace the streamed answer
 * with it. Without such stray text, the answer deltas joined and trimmed equal `result.answer`; the reasoning deltas
 * joined and trimmed always equal `result.reasoning`.
 */
export class ReasoningStreamParser {
  private phase: Phase = 'lead';
  private held = '';
  private ended = false;
  private readonly startInReasoning: boolean;
  private thought = false;
  private hasAnswerTag = false;
  private reasoning = '';
  private looseAnswer = '';
  private taggedAnswer = '';
  private cached: ReasoningSplit | null = null;

  constructor(options: ReasoningStreamParserOptions = {}) {
    this.startInReasoning = options.startInReasoning ?? false;
  }

  push(chunk: string): ReasoningDelta {
    if (this.ended) throw new AppError('INTERNAL', 'ReasoningStreamParser.push() was called after end(); create a new parser per generation.');
    const delta: ReasoningDelta = { reasoning: '', answer: '' };
    if (chunk === '' || this.phase === 'done') return delta;
    this.cached = null;
    this.consume(this.held + chunk, delta);
    return delta;
  }

  /** Flushes a held-back partial tag as literal text: the output ended, so it can never complete. */
  end(): ReasoningDelta {
    const delta: ReasoningDelta = { reasoning: '', answer: '' };
    if (this.ended) return delta;
    this.ended = true;
    this.cached = null;
    const rest = this.held;
    this.held = '';
    if (this.phase === 'lead') this.phase = this.startInReasoning ? 'reasoning' : 'loose';
    if (this.phase === 'reasoning') this.thought = true; // startInReasoning with empty output still "thought"
    if (rest) this.emit(rest, delta);
    return delta;
  }

  /** Canonical split of everything pushed so far. O(text), cached between pushes: read it at the end or throttled. */
  get result(): ReasoningSplit {
    if (this.cached) return this.cached;
    const answer = (this.hasAnswerTag ? this.taggedAnswer : this.looseAnswer).trim();
    const stillReasoning = this.phase === 'reasoning' || (this.phase === 'lead' && this.startInReasoning);
    this.cached = {
      reasoning: this.reasoning.trim(),
      answer,
      hasAnswerTag: this.hasAnswerTag,
      reasoningClosed: !stillReasoning,
      thought: this.thought || stillReasoning,
      boxed: extractBoxed(answer),
    };
    return this.cached;
  }

  private consume(text: string, delta: ReasoningDelta): void {
    this.held = '';
    let pos = 0;
    if (this.phase === 'lead') {
      pos = this.consumeLead(text);
      if (this.phase === 'lead') return;
    }
    let from = pos; // start of text not yet emitted
    while (pos < text.length) {
      if (this.phase === 'done') return; // whatever follows `</answer>` is dropped
      const lt = text.indexOf('<', pos);
      if (lt < 0) break;
      const tags = TAGS[this.phase];
      const tag = tags.find((t) => text.startsWith(t, lt));
      if (tag) {
        this.emit(text.slice(from, lt), delta);
        this.enter(tag);
        pos = from = lt + tag.length;
        continue;
      }
      // A tag prefix touching the end may complete with the next chunk: hold just that, emit everything before it.
      const tail = text.length - lt;
      if (tail < ANSWER_CLOSE.length && tags.some((t) => tail < t.length && t.startsWith(text.slice(lt)))) {
        this.emit(text.slice(from, lt), delta);
        this.held = text.slice(lt);
        return;
      }
      pos = lt + 1;
    }
    if (this.phase !== 'done') this.emit(text.slice(from), delta);
  }

  /** Skips leading whitespace and swallows an opening `<think>`; returns where the body starts. */
  private consumeLead(text: string): number {
    let pos = 0;
    while (pos < text.length && WHITESPACE.test(text[pos]!)) pos++;
    if (pos === text.length) return pos; // only whitespace so far: dropping it is safe, both parts are trimmed
    if (text.startsWith(THINK_OPEN, pos)) {
      this.phase = 'reasoning';
      this.thought = true;
      return pos + THINK_OPEN.length;
    }
    const rest = text.slice(pos);
    if (rest.length < THINK_OPEN.length && THINK_OPEN.startsWith(rest)) {
      this.held = rest;
      return text.length;
    }
    this.phase = this.startInReasoning ? 'reasoning' : 'loose';
    if (this.phase === 'reasoning') this.thought = true;
    return pos;
  }

  private enter(tag: string): void {
    if (tag === THINK_CLOSE) this.phase = 'loose';
    else if (tag === ANSWER_OPEN) {
      this.phase = 'answer';
      this.hasAnswerTag = true;
    } else if (tag === ANSWER_CLOSE) this.phase = 'done';
  }

  private emit(text: string, delta: ReasoningDelta): void {
    if (!text) return;
    if (this.phase === 'reasoning') {
      const t = trimStartIf(text, this.reasoning === '');
      this.reasoning += t;
      delta.reasoning += t;
    } else if (this.phase === 'answer') {
      const t = trimStartIf(text, this.taggedAnswer === '');
      this.taggedAnswer += t;
      delta.answer += t;
    } else if (this.phase === 'loose') {
      const t = trimStartIf(text, this.looseAnswer === '');
      this.looseAnswer += t;
      delta.answer += t;
    }
  }
}

/** Splits a complete output; the same code path as streaming, so both always agree. */
export function splitReasoning(text: string, options: ReasoningStreamParserOptions = {}): ReasoningSplit {
  const parser = new ReasoningStreamParser(options);
  parser.push(text);
  parser.end();
  return parser.result;
}

const BOXED = '\\boxed{';

/**
 * Content of the last complete `\boxed{…}`, trimmed, matching braces so `\boxed{\frac{1}{2}}` works. `\{` and `\}`
 * are LaTeX literals and do not count. An unclosed last box (output cut off) falls back to the previous complete one.
 */
export function extractBoxed(text: string): string | null {
  let start = text.lastIndexOf(BOXED);
  while (start >= 0) {
    const open = start + BOXED.length;
    let depth = 1;
    for (let i = open; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') i++;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) return text.slice(open, i).trim();
    }
    start = start === 0 ? -1 : text.lastIndexOf(BOXED, start - 1);
  }
  return null;
}
