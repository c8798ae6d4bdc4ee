/** generateCompletion over a scripted inference host: reasoning split, stop sequences, finish reasons. */
import { describe, expect, it } from 'vitest';
import type { GenerateCallbacks, GenerateResult, InferenceHost } from '../../services/inference/InferenceHost';
import type { StopReason } from '../../services/inference/protocol';
import type { SamplingSettings } from '../../shared/records';
import { generateCompletion, type CompletionDelta } from './generateCompletion';

const sampling: SamplingSettings = { temperature: 0, topP: 1, topK: 40, minP: 0, repeatPenalty: 1, maxTokens: 64 };

/** Emits `texts` one per tick, like the inference process; stops early when aborted. */
function scriptedHost(texts: string[], stopReason: StopReason = 'eos'): InferenceHost & { sent: number } {
  const host = {
    sent: 0,
    async generate(_turns: unknown, _sampling: unknown, callbacks: GenerateCallbacks): Promise<GenerateResult> {
      callbacks.onStarted?.({ promptTokens: 10, reusedPromptTokens: 0, startInReasoning: true });
      for (const text of texts) {
        await new Promise((r) => setTimeout(r, 1));
        if (callbacks.signal?.aborted) break;
        host.sent++;
        callbacks.onText?.(text, host.sent);
      }
      const aborted = callbacks.signal?.aborted ?? false;
      return { stopReason: aborted ? 'abort' : stopReason, stats: { promptTokens: 10, completionTokens: host.sent, ttftMs: 1, tokensPerSecond: null, durationMs: 1 } };
    },
  };
  return host as unknown as InferenceHost & { sent: number };
}

describe('generateCompletion', () => {
  it('splits reasoning from the answer and reports usage', async () => {
    const deltas: CompletionDelta[] = [];
    const result = await generateCompletion(scriptedHost(['Think', 'ing.</th', 'ink>\n\n4', ' is it']), [], sampling, {
      signal: new AbortController().signal,
      onDelta: (d) => deltas.push(d),
    });
    expect(result).toEqual({ reasoning: 'Thinking.', content: '4 is it', thought: true, finishReason: 'stop', promptTokens: 10, completionTokens: 4 });
    expect(deltas.map((d) => d.reasoning).join('').trim()).toBe('Thinking.');
    expect(deltas.map((d) => d.content).join('')).toBe('4 is it');
  });

  it('ends the answer at a stop sequence and aborts the generation', async () => {
    const host = scriptedHost(['r</think>', 'one two ST', 'OP three', ' four', ' five', ' six']);
    const deltas: CompletionDelta[] = [];
    const result = await generateCompletion(host, [], sampling, { signal: new AbortController().signal, stop: ['STOP'], onDelta: (d) => deltas.push(d) });
    expect(result.content).toBe('one two');
    expect(result.finishReason).toBe('stop');
    expect(deltas.map((d) => d.content).join('')).toBe('one two ');
    expect(host.sent).toBe(3);
  });

  it('says "length" when max tokens cut the output', async () => {
    const result = await generateCompletion(scriptedHost(['still thinking'], 'maxTokens'), [], sampling, { signal: new AbortController().signal });
    expect(result).toMatchObject({ reasoning: 'still thinking', content: '', finishReason: 'length' });
  });
});
