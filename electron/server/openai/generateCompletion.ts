/**
 * One stateless generation for the OpenAI-compatible API: nothing is saved, the reasoning is split from the answer
 * as it streams, and `stop` sequences end the answer (and the generation) early.
 */
import type { InferenceHost } from '../../services/inference/InferenceHost';
import type { ChatTurn } from '../../services/inference/protocol';
import { ReasoningStreamParser } from '../../services/reasoning';
import type { SamplingSettings } from '../../shared/records';
import type { FinishReason } from './schema';
import { StopSequenceFilter, cutAtStop } from './StopSequenceFilter';

export interface CompletionDelta {
  reasoning: string;
  content: string;
}

export interface CompletionResult {
  reasoning: string;
  content: string;
  /** Whether the output had a reasoning phase (the template opened `<think>`, or the model did). */
  thought: boolean;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

export interface GenerateCompletionOptions {
  /** Aborts the generation (client gone). */
  signal: AbortSignal;
  /** Stop sequences for the answer. Defaults to none. */
  stop?: readonly string[];
  /** The prompt was evaluated and tokens start coming. */
  onStarted?: () => void;
  onDelta?: (delta: CompletionDelta) => void;
}

export async function generateCompletion(host: InferenceHost, turns: ChatTurn[], sampling: SamplingSettings, options: GenerateCompletionOptions): Promise<CompletionResult> {
  const stops = options.stop ?? [];
  const filter = new StopSequenceFilter(stops);
  const stopped = new AbortController();
  let parser: ReasoningStreamParser | null = null;
  const emit = (reasoning: string, answer: string) => {
    const content = filter.push(answer);
    if (filter.stopped && !stopped.signal.aborted) stopped.abort();
    if (reasoning || content) options.onDelta?.({ reasoning, content });
  };
  const { stats, stopReason } = await host.generate(turns, sampling, {
    signal: AbortSignal.any([options.signal, stopped.signal]),
    onStarted: ({ startInReasoning }) => {
      parser = new ReasoningStreamParser({ startInReasoning });
      options.onStarted?.();
    },
    onText: (text) => {
      // Text already in flight when a stop sequence matched is not part of the answer.
      if (!parser || filter.stopped) return;
      const delta = parser.push(text);
      emit(delta.reasoning, delta.answer);
    },
  });
  const finalParser: ReasoningStreamParser = parser ?? new ReasoningStreamParser();
  if (!filter.stopped) {
    const tail = finalParser.end();
    emit(tail.reasoning, tail.answer);
    const rest = filter.end();
    if (rest) options.onDelta?.({ reasoning: '', content: rest });
  }
  const split = finalParser.result;
  return {
    reasoning: split.reasoning,
    content: filter.stopped ? filter.text.trim() : cutAtStop(split.answer, stops),
    thought: split.thought,
    finishReason: stopReason === 'maxTokens' && !filter.stopped ? 'length' : 'stop',
    promptTokens: stats.promptTokens,
    completionTokens: stats.completionTokens,
  };
}
