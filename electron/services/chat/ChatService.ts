/**
 * Asking a question: the conversation and messages in the store, the model in the inference process, the
 * reasoning/answer split as tokens arrive, the partial answer saved as it streams, and a clean end whatever
 * happens (finished, stopped, inference process crashed, client gone).
 */
import { AppError } from '../../shared/errors';
import type { AppEvent, ChatChunk, ChatSendInput, LoadedModelInfo } from '../../shared/api';
import type { TraceCheckResult } from '../../shared/inspection';
import type { AppSettings, ConversationSummary, MessageRecord, SamplingSettings } from '../../shared/records';
import { normalizeBaseUrl, remoteBackend } from '../engines/RemoteEngine';
import type { RequestContext } from '../../shared/transport';
import { AsyncChannel, type EventHub } from '../events/EventHub';
import type { InferenceHost, GenerateResult } from '../inference/InferenceHost';
import type { ChatEngine, RemoteEngineTarget } from '../engines/ChatEngine';
import type { ChatTurn } from '../inference/protocol';
import type { ModelService } from '../models/ModelService';
import { loraLabel } from '../models/inspectLora';
import { citationsAsContext, estimateTokens, sourcesSystemPrompt, type SourcePassages, type SourceSelection } from '../documents/sourcePrompt';
import { createTraceChecker } from '../inspector';
import { ReasoningStreamParser } from '../reasoning';
import type { Store } from '../store';

export interface ChatServiceOptions {
  store: Store;
  host: InferenceHost;
  models: ModelService;
  events: EventHub<AppEvent>;
  /** How often the partial answer is written to the store while it streams. Defaults to 500 ms. */
  saveIntervalMs?: number;
  /** How often the reasoning inspector checks the trace while it streams. Defaults to 1000 ms. */
  inspectIntervalMs?: number;
  /** Report passages for questions about attached documents; without it documents cannot be attached. */
  sources?: SourcePassages;
  /**
   * A remote OpenAI-compatible engine for a target (with its API key); without it only the local model answers.
   * Called only when settings or the request chose a remote engine: otherwise nothing leaves the machine.
   */
  remoteEngine?: (target: RemoteEngineTarget) => Promise<ChatEngine>;
}

/** The model sees earlier answers but not earlier reasoning (as DianJin-R1 / DeepSeek-R1 style templates expect). */
export function buildTurns(history: MessageRecord[], question: string): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const message of history) {
    if (message.role === 'user') turns.push({ role: 'user', content: message.content });
    // Regenerated alternatives are for comparison; the conversation goes on from the original answer.
    else if (message.alternativeOf === null && message.answer.trim().length > 0) turns.push({ role: 'assistant', content: message.answer });
  }
  turns.push({ role: 'user', content: question });
  return turns;
}

export class ChatService {
  /** Generations in flight by assistant message id, so any client can stop them. */
  private readonly active = new Map<string, AbortController>();
  private lastInterrupted: string | null = null;

  constructor(private readonly options: ChatServiceOptions) {}

  /** The message that was being generated when the inference process last died. */
  takeInterruptedMessageId(): string | null {
    const id = this.lastInterrupted;
    this.lastInterrupted = null;
    return id;
  }

  /** The question an assistant message answered, the history before it, and the answer alternatives group under. */
  private questionOf(messageId: string): { question: MessageRecord; history: MessageRecord[]; alternativeOf: string } {
    const original = this.options.store.getMessage(messageId);
    if (original.role !== 'assistant') throw new AppError('INVALID_INPUT', 'Only an answer can be regenerated; pick an assistant message.');
    const { messages } = this.options.store.getConversation(original.conversationId);
    const index = messages.findIndex((m) => m.id === original.id);
    const questionIndex = messages.slice(0, index).findLastIndex((m) => m.role === 'user');
    const question = messages[questionIndex];
    if (!question) throw new AppError('INVALID_INPUT', 'This answer has no question before it to ask again.');
    return { question, history: messages.slice(0, questionIndex), alternativeOf: original.alternativeOf ?? original.id };
  }

  /** The passages for a question about documents, within what the context has left after the conversation. */
  private selectSources(question: string, documentIds: readonly string[], contextSize: number, maxTokens: number, turns: ChatTurn[]): Promise<SourceSelection> {
    const { sources } = this.options;
    if (!sources) throw new AppError('INVALID_INPUT', 'Documents cannot be attached here: the report library is not available.');
    const conversationTokens = turns.reduce((sum, turn) => sum + estimateTokens(turn.content) + 8, 0);
    // Keep room for the answer (at least a quarter of the context) and the template's own tokens.
    const reserve = Math.min(maxTokens, Math.floor(contextSize / 2)) + 256;
    const budget = Math.max(0, contextSize - reserve - conversationTokens);
    if (budget < 200) {
      throw new AppError('CONTEXT_OVERFLOW', `The ${contextSize}-token context has no room left for report excerpts. Start a new conversation, lower "max tokens", or raise the context size in Settings.`, { contextSize });
    }
    return sources.select(question, documentIds, budget);
  }

  private remoteEngineFor(target: RemoteEngineTarget): Promise<ChatEngine> {
    if (!this.options.remoteEngine) throw new AppError('INVALID_INPUT', 'A remote engine cannot be used here; choose the local model.');
    return this.options.remoteEngine(target);
  }

  stop(messageId: string): boolean {
    const controller = this.active.get(messageId);
    controller?.abort();
    return controller !== undefined;
  }

  stopAll(): void {
    for (const controller of this.active.values()) controller.abort();
  }

  async *send(input: ChatSendInput, ctx: RequestContext): AsyncGenerator<ChatChunk, MessageRecord, void> {
    const { store, host, models, events } = this.options;
    const regenerating = input.regenerate ? this.questionOf(input.regenerate.messageId) : null;
    const question = regenerating?.question.content ?? input.question.trim();
    if (question.length === 0) throw new AppError('EMPTY_QUESTION', 'The question is empty. Type a question first.');
    const settings = store.getSettings();
    const remote = remoteTargetOf(input, settings);
    const modelPath = input.modelPath ?? settings.modelPath;
    if (!modelPath && !remote) throw new AppError('MODEL_NOT_SELECTED', 'No model is selected. Open a GGUF model file or choose one in the model library.');
    const existing = regenerating ? null : input.conversationId ? store.getConversation(input.conversationId) : null;
    const model = remote ? remoteModelInfo(remote, settings.load.contextSize) : await models.ensureLoaded(modelPath ?? '', { ...settings.load, ...stripUndefined(input.load ?? {}) });
    const engine: ChatEngine = remote ? await this.remoteEngineFor(remote) : host;
    const sampling: SamplingSettings = { ...settings.sampling, ...stripUndefined(input.sampling ?? {}) };
    const turns = buildTurns(regenerating?.history ?? existing?.messages ?? [], question);

    // Documents: the ones asked for (checked before anything is saved), else the conversation's attachments.
    const documentIds = input.documentIds ?? (regenerating ? store.getConversation(regenerating.question.conversationId).documentIds : (existing?.documentIds ?? []));
    const selection = documentIds.length > 0 ? await this.selectSources(question, documentIds, model.contextSize, sampling.maxTokens, turns) : null;
    if (selection) turns.unshift({ role: 'system', content: sourcesSystemPrompt(selection.citations) });

    const conversationId = regenerating?.question.conversationId ?? existing?.id ?? store.createConversation('').id;
    if (input.documentIds) store.setConversationDocuments(conversationId, input.documentIds);
    const userMessage = regenerating?.question ?? store.addUserMessage(conversationId, question);
    const assistant = store.startAssistantMessage(conversationId, {
      modelPath: model.path,
      // The adapter is part of what answered: "DianJin Test Tiny + adapter.gguf ×0.5", so comparisons show it.
      modelName: model.lora ? `${model.name} + ${loraLabel(model.lora)}` : model.name,
      modelHash: remote ? null : (host.status.model?.sha256 ?? null),
      backend: model.backend,
      sampling,
      alternativeOf: regenerating?.alternativeOf ?? null,
      citations: selection?.citations ?? [],
    });
    events.emit({ type: 'conversations.changed' });

    const stop = new AbortController();
    this.active.set(assistant.id, stop);
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    const wake = new AsyncChannel<null>();
    let parser: ReasoningStreamParser | null = null;
    let startInReasoning = false;
    let raw = '';
    let pending = { reasoning: '', answer: '' };
    let completionTokens = 0;
    let dirty = false;

    const saveTimer = setInterval(() => {
      if (!dirty || !parser) return;
      dirty = false;
      const split = parser.result;
      store.savePartial(assistant.id, { content: raw, reasoning: split.reasoning, answer: split.answer });
    }, this.options.saveIntervalMs ?? 500);

    // The reasoning inspector follows the trace on its own timer, never on the token path.
    const checker = createTraceChecker({ question, ...(selection ? { context: citationsAsContext(selection.citations) } : {}) });
    let checkedLength = -1;
    let inspection: TraceCheckResult | null = null;
    const inspectTimer = setInterval(() => {
      if (!parser) return;
      const split = parser.result;
      if (split.reasoning.length + split.answer.length === checkedLength) return;
      checkedLength = split.reasoning.length + split.answer.length;
      inspection = checker.update(split.reasoning, split.answer);
      wake.push(null);
    }, this.options.inspectIntervalMs ?? 1000);

    const generation: Promise<GenerateResult> = engine.generate(turns, sampling, {
      signal,
      onStarted: (info) => {
        startInReasoning = info.startInReasoning;
        parser = new ReasoningStreamParser({ startInReasoning });
        wake.push(null);
      },
      onText: (text, tokens) => {
        if (!parser) return;
        raw += text;
        completionTokens = tokens;
        const delta = parser.push(text);
        pending = { reasoning: pending.reasoning + delta.reasoning, answer: pending.answer + delta.answer };
        dirty = true;
        wake.push(null);
      },
    });
    generation.finally(() => wake.close()).catch(() => undefined);

    const finished: Promise<MessageRecord> = generation.then(
      ({ stats, stopReason }) => {
        const split = finish(parser);
        return store.finishAssistantMessage(assistant.id, {
          status: stopReason === 'abort' || signal.aborted ? 'stopped' : 'complete',
          content: raw,
          reasoning: split.reasoning,
          answer: split.answer,
          modelHash: remote ? null : (host.status.model?.sha256 ?? null),
          ...stats,
        });
      },
      (error: unknown) => {
        const appError = AppError.is(error) ? error : new AppError('INTERNAL', String(error));
        const split = finish(parser);
        const crashed = appError.code === 'INFERENCE_CRASHED';
        if (crashed) this.lastInterrupted = assistant.id;
        const record = store.finishAssistantMessage(assistant.id, {
          status: crashed ? 'interrupted' : 'error',
          content: raw,
          reasoning: split.reasoning,
          answer: split.answer,
          completionTokens,
          errorCode: appError.code,
          errorMessage: appError.message,
        });
        if (crashed) return record;
        throw appError;
      },
    );
    const settled = finished.finally(() => {
      clearInterval(saveTimer);
      clearInterval(inspectTimer);
      this.active.delete(assistant.id);
      events.emit({ type: 'conversations.changed' });
    });
    settled.catch(() => undefined);

    let completed = false;
    try {
      let started = false;
      for await (const _ of wake) {
        if (!started && parser) {
          started = true;
          const conversation: ConversationSummary = summaryOf(store, conversationId);
          yield { type: 'start', conversation, userMessage, assistantMessage: assistant, startInReasoning };
        }
        if (started && (pending.reasoning || pending.answer)) {
          const chunk: ChatChunk = { type: 'delta', reasoning: pending.reasoning, answer: pending.answer, completionTokens };
          pending = { reasoning: '', answer: '' };
          yield chunk;
        }
        if (started && inspection) {
          const result: TraceCheckResult = inspection;
          inspection = null;
          yield { type: 'inspection', result };
        }
      }
      const record = await settled;
      if (record.reasoning) yield { type: 'inspection', result: checker.update(record.reasoning, record.answer) };
      completed = true;
      return record;
    } finally {
      // The client went away mid-stream: stop the generation; `finished` still saves what was generated.
      if (!completed) stop.abort();
    }
  }
}

/** The remote engine this question goes to, or null for the local model: the request's choice, else settings'. */
function remoteTargetOf(input: ChatSendInput, settings: AppSettings): RemoteEngineTarget | null {
  if (input.engine) return input.engine.kind === 'remote' ? { baseUrl: input.engine.baseUrl, model: input.engine.model } : null;
  // An explicit model file means the local model.
  if (input.modelPath) return null;
  return settings.engine.kind === 'remote' ? { baseUrl: settings.engine.baseUrl, model: settings.engine.model } : null;
}

/** What a message records about a remote engine: its model name, 'remote' as backend, the address as its path. */
function remoteModelInfo(target: RemoteEngineTarget, contextSize: number): LoadedModelInfo {
  return { path: normalizeBaseUrl(target.baseUrl), name: target.model, sha256: null, backend: remoteBackend, threads: 0, contextSize, gpuLayers: 0, totalLayers: 0 };
}

function finish(parser: ReasoningStreamParser | null): { reasoning: string; answer: string } {
  if (!parser) return { reasoning: '', answer: '' };
  parser.end();
  const { reasoning, answer } = parser.result;
  return { reasoning, answer };
}

function summaryOf(store: Store, conversationId: string): ConversationSummary {
  const { messages: _messages, ...summary } = store.getConversation(conversationId);
  return summary;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
