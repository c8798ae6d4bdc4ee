/**
 * The reasoning inspector applied to saved answers: finds an answer's question, runs the pure checker
 * (electron/services/inspector), compares alternatives and exports review files.
 */
import type { CheckedMessage, MessageComparison, TraceExport } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { TraceInput } from '../../shared/inspection';
import { checkTrace, compareTraces, traceToJson, traceToMarkdown } from '../inspector';
import { citationsAsContext } from '../documents/sourcePrompt';
import type { Store } from '../store';

export class TraceService {
  constructor(private readonly store: Store) {}

  /** The inspector's input for a saved assistant message: its reasoning and answer, and the question before it. */
  inputOf(messageId: string): TraceInput {
    const message = this.store.getMessage(messageId);
    if (message.role !== 'assistant') throw new AppError('INVALID_INPUT', 'Only an answer has a reasoning trace to check; pick an assistant message.');
    const { messages } = this.store.getConversation(message.conversationId);
    const index = messages.findIndex((m) => m.id === messageId);
    const question = messages.slice(0, index).findLast((m) => m.role === 'user')?.content ?? '';
    // Report passages the answer was given: the inspector traces numbers to their pages.
    return { question, reasoning: message.reasoning, answer: message.answer, ...(message.citations.length > 0 ? { context: citationsAsContext(message.citations) } : {}) };
  }

  checkMessage(messageId: string): CheckedMessage {
    const input = this.inputOf(messageId);
    return { messageId, input, result: checkTrace(input) };
  }

  compare(leftMessageId: string, rightMessageId: string): MessageComparison {
    const left = this.checkMessage(leftMessageId);
    const right = this.checkMessage(rightMessageId);
    return { ...compareTraces(left.result, right.result), leftMessageId, rightMessageId, leftInput: left.input, rightInput: right.input };
  }

  export(messageId: string, locale: 'en' | 'zh-CN'): TraceExport {
    const { input, result } = this.checkMessage(messageId);
    const message = this.store.getMessage(messageId);
    const date = new Date(message.createdAt).toISOString().slice(0, 10);
    const slug = input.question
      .normalize('NFKC')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40);
    return {
      fileName: `trace-${date}${slug ? `-${slug}` : ''}`,
      markdown: traceToMarkdown(input, result, { locale, title: input.question.split('\n')[0]?.slice(0, 120) ?? '' }),
      json: traceToJson(input, result),
    };
  }
}
