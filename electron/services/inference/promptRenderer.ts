/** Rendering a conversation into prompt tokens with the model's own chat template. */
import { Template } from '@huggingface/jinja';
import { resolveChatWrapper, type ChatHistoryItem, type ChatWrapper, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatTurn } from './protocol';

/** Turns a conversation into prompt tokens, and says whether the prompt already opened <think>. */
export type PromptRenderer = (turns: ChatTurn[]) => { tokens: Token[]; startInReasoning: boolean };

/**
 * The chat template comes from the GGUF itself and is rendered the way llama.cpp's server and transformers do
 * (messages + add_generation_prompt), so a template that opens `<think>` in the generation prompt keeps it.
 * (node-llama-cpp's JinjaTemplateChatWrapper renders the assistant turn as a message and drops that opening.)
 * node-llama-cpp's own chat-wrapper resolution is only the fallback for files without a template.
 */
export function createPromptRenderer(model: LlamaModel): PromptRenderer {
  const source = model.fileInfo.metadata.tokenizer?.chat_template;
  if (typeof source === 'string' && source.length > 0) {
    const template = new Template(source);
    const special = (id: number | undefined) => (id === undefined ? '' : model.detokenize([id as Token], true));
    const bos = special(model.tokens.bos ?? undefined);
    const eos = special(model.tokens.eos ?? undefined);
    return (turns) => {
      const text = template.render({
        messages: turns.map((t) => ({ role: t.role, content: t.content })),
        add_generation_prompt: true,
        enable_thinking: true,
        bos_token: bos,
        eos_token: eos,
      });
      return { tokens: model.tokenize(text, true), startInReasoning: /<think>\s*$/.test(text) };
    };
  }
  const wrapper: ChatWrapper = resolveChatWrapper(model);
  return (turns) => {
    const chatHistory: ChatHistoryItem[] = turns.map((turn): ChatHistoryItem => {
      if (turn.role === 'system') return { type: 'system', text: turn.content };
      if (turn.role === 'user') return { type: 'user', text: turn.content };
      return { type: 'model', response: [turn.content] };
    });
    const { contextText } = wrapper.generateContextState({ chatHistory: [...chatHistory, { type: 'model', response: [] }] });
    return { tokens: contextText.tokenize(model.tokenizer), startInReasoning: /<think>\s*$/.test(contextText.toString()) };
  };
}
