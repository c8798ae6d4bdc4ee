/**
 * The subset of OpenAI's Chat Completions API that a local reasoning model can honour. Unknown fields are ignored
 * (clients send `user`, `frequency_penalty`…); fields that would change the meaning of the answer (images, tools,
 * several choices) are refused rather than silently dropped.
 */
import { z } from 'zod';

const TextPart = z.object({ type: z.literal('text'), text: z.string() });

const ChatMessage = z
  .object({
    // `developer` is what newer OpenAI clients send for system instructions.
    role: z.enum(['system', 'developer', 'user', 'assistant']),
    content: z.union([z.string(), z.array(TextPart, { error: 'Only content parts of type "text" are supported.' })]).nullish(),
  })
  .refine((m) => m.role === 'assistant' || (m.content !== null && m.content !== undefined), { message: 'content is required', path: ['content'] });

const StopSequences = z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]);
const MaxTokens = z.number().int().min(1).max(131072);

export const ChatCompletionRequest = z.object({
  model: z.string().min(1),
  messages: z.array(ChatMessage).min(1, 'messages must hold at least one message.'),
  max_tokens: MaxTokens.nullish(),
  max_completion_tokens: MaxTokens.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  seed: z.number().int().min(0).nullish(),
  stop: StopSequences.nullish(),
  n: z.literal(1, { error: 'Only n = 1 is supported.' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type ChatMessage = z.infer<typeof ChatMessage>;

export type FinishReason = 'stop' | 'length';

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [{ index: 0; message: { role: 'assistant'; content: string; reasoning_content?: string }; finish_reason: FinishReason; logprobs: null }];
  usage: CompletionUsage;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: { role?: 'assistant'; content?: string; reasoning_content?: string }; finish_reason: FinishReason | null; logprobs: null }[];
  usage?: CompletionUsage | null;
}

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'local';
}

/** The message content as plain text (text parts joined). */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
