/**
 * Splits a sampled DianJin-R1 output (`<think>…</think><answer>…</answer>`) into reasoning and answer, by the rules of
 * the app's ReasoningStreamParser (electron/services/reasoning, which the renderer may not import): a leading
 * `<think>` opens the reasoning; `</think>` ends it; `<answer>` (even without `</think>`) starts the answer, whose
 * tag content then wins over loose text; whatever follows `</answer>` is dropped.
 */

export interface SampleSplit {
  reasoning: string;
  answer: string;
  hasAnswerTag: boolean;
  /** Whether the text was read as starting inside reasoning (a chat template that opened `<think>` in the prompt). */
  startInReasoning: boolean;
}

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const ANSWER_OPEN = '<answer>';
const ANSWER_CLOSE = '</answer>';

/**
 * Whether a sample starts inside reasoning. GRPO samples are the text the model wrote after the prompt, so when the
 * chat template opened `<think>` they start with the reasoning itself: a `</think>` with no `<think>` before it says so.
 */
export function startsInReasoning(text: string): boolean {
  const close = text.indexOf(THINK_CLOSE);
  if (close < 0) return false;
  const open = text.indexOf(THINK_OPEN);
  return open < 0 || open > close;
}

function indexOrEnd(text: string, tag: string, from: number): number {
  const i = text.indexOf(tag, from);
  return i < 0 ? text.length : i;
}

/** The split of a complete output; `startInReasoning` defaults to what the text itself shows. */
export function splitSample(text: string, startInReasoning = startsInReasoning(text)): SampleSplit {
  let pos = text.length - text.trimStart().length;
  let reasoning = '';
  let loose = '';
  let tagged = '';
  let hasAnswerTag = false;
  let phase: 'reasoning' | 'loose' | 'answer';
  if (text.startsWith(THINK_OPEN, pos)) {
    phase = 'reasoning';
    pos += THINK_OPEN.length;
  } else phase = startInReasoning ? 'reasoning' : 'loose';

  while (pos < text.length) {
    if (phase === 'reasoning') {
      const close = indexOrEnd(text, THINK_CLOSE, pos);
      const answer = indexOrEnd(text, ANSWER_OPEN, pos);
      const end = Math.min(close, answer);
      reasoning += text.slice(pos, end);
      if (end === text.length) break;
      if (answer < close) {
        phase = 'answer';
        hasAnswerTag = true;
        pos = answer + ANSWER_OPEN.length;
      } else {
        phase = 'loose';
        pos = close + THINK_CLOSE.length;
      }
    } else if (phase === 'loose') {
      const answer = indexOrEnd(text, ANSWER_OPEN, pos);
      loose += text.slice(pos, answer);
      if (answer === text.length) break;
      phase = 'answer';
      hasAnswerTag = true;
      pos = answer + ANSWER_OPEN.length;
    } else {
      const close = indexOrEnd(text, ANSWER_CLOSE, pos);
      tagged += text.slice(pos, close);
      break;
    }
  }
  return { reasoning: reasoning.trim(), answer: (hasAnswerTag ? tagged : loose).trim(), hasAnswerTag, startInReasoning };
}
