/**
 * Tokenises SFT examples with the model's own chat template, exactly as inference will see them: the prompt is the
 * template rendered with `add_generation_prompt` (the same renderer the chat and evaluation use), every prompt token
 * weighs 0; the response, then the template's end-of-turn marker, weighs 1. A template that opens `<think>` in the
 * generation prompt (DianJin-R1's, the test model's) already holds the opening tag, so the response continues after
 * it instead of opening a second one. Runs in the training-prep process (node-llama-cpp never loads in the app).
 */
import { Template } from '@huggingface/jinja';
import type { LlamaModel, Token } from 'node-llama-cpp';
import { createPromptRenderer } from '../../inference/promptRenderer';
import type { ChatTurn } from '../../inference/protocol';

export interface SftTokens {
  tokens: number[];
  weights: number[];
  promptTokens: number;
  responseTokens: number;
}

export interface SftTokenizer {
  tokenize(turns: ChatTurn[], response: string): SftTokens;
  /** Whether the template opened `<think>` in the prompt. */
  readonly startsInReasoning: boolean;
  /** The text that ends an assistant turn (e.g. `<|im_end|>`). */
  readonly endOfTurn: string;
}

const MARK = '\u0000DIANJIN_END_OF_TURN_PROBE\u0000';

/** What the template writes after an assistant message (up to its line break), e.g. `<|im_end|>`; else EOT/EOS. */
export function endOfTurnText(model: LlamaModel): string {
  const source = model.fileInfo.metadata.tokenizer?.chat_template;
  const special = (id: Token | null | undefined) => (id === null || id === undefined ? '' : model.detokenize([id], true));
  if (typeof source === 'string' && source.length > 0) {
    try {
      const text = new Template(source).render({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: MARK },
        ],
        add_generation_prompt: false,
        bos_token: special(model.tokens.bos),
        eos_token: special(model.tokens.eos),
      });
      const after = text.slice(text.lastIndexOf(MARK) + MARK.length);
      const marker = after.split('\n')[0]!.trim();
      if (text.includes(MARK) && marker !== '') return marker;
    } catch {
      // A template that refuses an assistant turn last: fall back to the tokens below.
    }
  }
  return special(model.tokens.eot ?? model.tokens.eos);
}

export function createSftTokenizer(model: LlamaModel): SftTokenizer {
  const render = createPromptRenderer(model);
  const endOfTurn = endOfTurnText(model);
  let startsInReasoning = false;
  return {
    get startsInReasoning() {
      return startsInReasoning;
    },
    endOfTurn,
    tokenize(turns, response) {
      const { tokens: prompt, startInReasoning } = render(turns);
      startsInReasoning = startInReasoning;
      let body = response;
      if (startInReasoning && /^<think>/.test(body)) {
        // The prompt ends with "<think>" and maybe whitespace; continue the response right after what it holds.
        const tail = model.detokenize(prompt.slice(-8), true);
        const opened = /<think>(\s*)$/.exec(tail)?.[1] ?? '';
        body = body.slice('<think>'.length);
        if (opened && body.startsWith(opened)) body = body.slice(opened.length);
      }
      const responseTokens = model.tokenize(body + endOfTurn, true);
      return {
        tokens: [...prompt, ...responseTokens],
        weights: [...prompt.map(() => 0), ...responseTokens.map(() => 1)],
        promptTokens: prompt.length,
        responseTokens: responseTokens.length,
      };
    },
  };
}
