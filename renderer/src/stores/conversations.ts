/**
 * Conversations: the list, the open conversation's messages, the composer draft, and the answer being streamed.
 *
 * The streamed answer lives in `live`, apart from `messages`: deltas are batched per animation frame and only the
 * live message's component subscribes to it, so the rest of the conversation does not re-render while it streams.
 * When the stream resolves, its final saved record replaces the placeholder in `messages`.
 */
import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../contract';
import type { ChatChunk, InputOf, TraceCheckResult } from '../contract';
import type { ConversationSummary, MessageRecord } from '../contract';
import type { SerializedError } from '../contract';
import { createDeltaBatcher, type DeltaBatch, type DeltaBatcher } from '../lib/deltaBatcher';
import { appendToBlocks } from '../lib/textBlocks';
import { clientErrorKind } from '../api/clientErrors';
import { toSerialized } from './errors';

export interface LiveMessage {
  conversationId: string;
  messageId: string;
  /** The question being answered (for the inspector's source highlights). */
  question: string;
  reasoning: string;
  /** `reasoning` split into blocks for the virtualised trace; only the last block changes as text arrives. */
  reasoningBlocks: string[];
  answer: string;
  completionTokens: number;
  startInReasoning: boolean;
  /** Clock times (ms, `now()`) for the live "thinking for…" and reasoning duration. */
  startedAt: number;
  firstDeltaAt: number | null;
  answerStartedAt: number | null;
  /** Completion tokens when the answer started: the reasoning's token count. */
  reasoningTokens: number | null;
  stopping: boolean;
  /** The reasoning inspector's latest view of the trace (an `inspection` chunk about once a second). */
  inspection: TraceCheckResult | null;
}

/** How to answer a question again: another seed (random unless given), another model. */
export interface RegenerateOptions {
  seed?: number;
  modelPath?: string;
}

/** What was measured live about a finished message's reasoning (not stored by the server). */
export interface ReasoningMeasure {
  durationMs: number | null;
  tokens: number | null;
}

export interface ConversationsState {
  list: ConversationSummary[];
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  currentId: string | null;
  messages: MessageRecord[];
  messagesStatus: 'idle' | 'loading' | 'ready' | 'error';
  messagesError: SerializedError | null;
  draft: string;
  /** Between pressing Send and the stream's `start` chunk. */
  sending: boolean;
  live: LiveMessage | null;
  /** Reasoning measurements of messages streamed in this session, by message id. */
  measures: Record<string, ReasoningMeasure>;
  /** Shown near the composer (a rejected question, a failed rename…). */
  error: SerializedError | null;
  /**
   * Library documents the open conversation answers from. For a conversation not started yet they are kept here and
   * sent with its first question.
   */
  documentIds: string[];

  refreshList(): Promise<void>;
  select(id: string | null): Promise<void>;
  reloadCurrent(): Promise<void>;
  newChat(): Promise<void>;
  rename(id: string, title: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  setDraft(text: string): void;
  send(): Promise<void>;
  /** Answers the question of an assistant message again, saved as an alternative of it. */
  regenerate(messageId: string, options?: RegenerateOptions): Promise<void>;
  stop(): void;
  dismissError(): void;
  /** Attaches documents: saved on the conversation at once, or with the first question of a new one. */
  setDocuments(documentIds: string[]): Promise<boolean>;
}

export interface ConversationsStoreDeps {
  api: ApiClient;
  now?: () => number;
  createBatcher?: (deliver: (batch: DeltaBatch) => void) => DeltaBatcher;
  onError?: (error: unknown) => void;
  /** A streamed answer was saved: its record, the question and the inspector's final result (when it came). */
  onFinished?: (record: MessageRecord, question: string, inspection: TraceCheckResult | null) => void;
  /** Seeds for "regenerate with a new random seed". */
  randomSeed?: () => number;
}

function sortByUpdated(list: ConversationSummary[]): ConversationSummary[] {
  return [...list].sort((a, b) => b.updatedAt - a.updatedAt);
}

function upsert(list: ConversationSummary[], item: ConversationSummary): ConversationSummary[] {
  return sortByUpdated([item, ...list.filter((c) => c.id !== item.id)]);
}

function replaceMessage(messages: MessageRecord[], record: MessageRecord): MessageRecord[] {
  const index = messages.findIndex((m) => m.id === record.id);
  if (index < 0) return [...messages, record];
  const next = messages.slice();
  next[index] = record;
  return next;
}

export function createConversationsStore({
  api,
  now = () => performance.now(),
  createBatcher = (deliver) => createDeltaBatcher(deliver),
  onError,
  onFinished,
  randomSeed = () => Math.floor(Math.random() * 2 ** 31),
}: ConversationsStoreDeps) {
  /** Aborting it cancels the stream (the "Stop" button). */
  let activeStream: AbortController | null = null;
  /** Guards against a slow chat.get overwriting a later selection. */
  let selectToken = 0;

  return createStore<ConversationsState>()((set, get) => {
    function applyBatch(batch: DeltaBatch) {
      const live = get().live;
      if (!live) return;
      const t = now();
      const answerStarts = live.answerStartedAt === null && batch.answer.length > 0;
      set({
        live: {
          ...live,
          reasoning: batch.reasoning ? live.reasoning + batch.reasoning : live.reasoning,
          reasoningBlocks: appendToBlocks(live.reasoningBlocks, batch.reasoning),
          answer: batch.answer ? live.answer + batch.answer : live.answer,
          completionTokens: batch.completionTokens || live.completionTokens,
          firstDeltaAt: live.firstDeltaAt ?? t,
          answerStartedAt: answerStarts ? t : live.answerStartedAt,
          reasoningTokens: answerStarts ? live.completionTokens : live.reasoningTokens,
        },
      });
    }

    /** `draftQuestion`: the composer text that was sent (cleared once accepted); null for a regeneration. */
    function handleStart(chunk: Extract<ChatChunk, { type: 'start' }>, draftQuestion: string | null, requestedId: string | null) {
      const s = get();
      const conversationId = chunk.conversation.id;
      // Follow the new conversation unless the user moved elsewhere meanwhile.
      const follow = s.currentId === requestedId || s.currentId === conversationId;
      const kept = (s.currentId === conversationId ? s.messages : []).filter((m) => m.id !== chunk.assistantMessage.id);
      // A regeneration answers a question already in the list: it stays where it is.
      const hasQuestion = kept.some((m) => m.id === chunk.userMessage.id);
      set({
        sending: false,
        draft: draftQuestion !== null && s.draft === draftQuestion ? '' : s.draft,
        list: upsert(s.list, chunk.conversation),
        ...(follow
          ? {
              currentId: conversationId,
              messagesStatus: 'ready' as const,
              messages: hasQuestion ? [...kept, chunk.assistantMessage] : [...kept, chunk.userMessage, chunk.assistantMessage],
            }
          : {}),
        live: {
          conversationId,
          messageId: chunk.assistantMessage.id,
          question: chunk.userMessage.content,
          reasoning: '',
          reasoningBlocks: [],
          answer: '',
          completionTokens: 0,
          startInReasoning: chunk.startInReasoning,
          startedAt: now(),
          firstDeltaAt: null,
          answerStartedAt: null,
          reasoningTokens: null,
          stopping: false,
          inspection: null,
        },
      });
    }

    function handleInspection(result: TraceCheckResult) {
      const live = get().live;
      if (live) set({ live: { ...live, inspection: result } });
    }

    function finishLive(final: MessageRecord | null) {
      const { live, currentId, messages, measures } = get();
      if (!live) return;
      const end = now();
      const measure: ReasoningMeasure = {
        durationMs: live.firstDeltaAt === null ? null : (live.answerStartedAt ?? end) - live.startedAt,
        tokens: live.reasoningTokens ?? (live.answer ? null : live.completionTokens || null),
      };
      set({
        live: null,
        measures: { ...measures, [live.messageId]: measure },
        ...(final && currentId === final.conversationId ? { messages: replaceMessage(messages, final) } : {}),
      });
      if (final) onFinished?.(final, live.question, live.inspection);
    }

    /**
     * Streams one answer: the live message, then the saved record. `draftQuestion` is the composer text for a new
     * question (kept in the composer if it is refused), null for a regeneration.
     */
    async function runChat(input: InputOf<'chat.send'>, draftQuestion: string | null, currentId: string | null) {
      const controller = new AbortController();
      activeStream = controller;
      const batcher = createBatcher(applyBatch);
      let started = false;
      set({ sending: true, error: null });
      try {
        const final = await api.stream('chat.send', input, {
          signal: controller.signal,
          onChunk(chunk) {
            if (chunk.type === 'start') {
              started = true;
              handleStart(chunk, draftQuestion, currentId);
            } else if (chunk.type === 'delta') {
              batcher.push(chunk);
            } else if (chunk.type === 'inspection') {
              // Deltas already queued belong before this result; then it lands in the live slice.
              batcher.flushNow();
              handleInspection(chunk.result);
            }
          },
        });
        batcher.flushNow();
        finishLive(final);
      } catch (error) {
        batcher.flushNow();
        onError?.(error);
        const serialized = toSerialized(error);
        const userCancelled = controller.signal.aborted && clientErrorKind(serialized) === 'cancelled';
        if (!started) {
          // Rejected before anything was saved: the question stays in the composer.
          set({ sending: false, error: userCancelled ? null : serialized });
        } else {
          const liveId = get().live?.messageId;
          finishLive(null);
          // The saved record is the truth (error / interrupted / stopped); show the error on the message meanwhile.
          if (liveId) {
            set({
              messages: get().messages.map((m) =>
                m.id === liveId && m.status === 'streaming' ? { ...m, status: 'error' as const, errorCode: serialized.code, errorMessage: serialized.message } : m,
              ),
            });
          }
          await get().reloadCurrent();
        }
      } finally {
        batcher.dispose();
        if (activeStream === controller) activeStream = null;
        void get().refreshList();
      }
    }

    return {
      list: [],
      listStatus: 'idle',
      currentId: null,
      messages: [],
      messagesStatus: 'idle',
      messagesError: null,
      draft: '',
      sending: false,
      live: null,
      measures: {},
      error: null,
      documentIds: [],

      async refreshList() {
        if (get().listStatus === 'idle') set({ listStatus: 'loading' });
        try {
          let list = sortByUpdated(await api.call('chat.list', {}));
          const { currentId } = get();
          if (currentId !== null && !list.some((c) => c.id === currentId) && get().live?.conversationId !== currentId) {
            // Deleted elsewhere, or this list was read before the conversation existed: ask.
            try {
              list = upsert(list, await api.call('chat.get', { id: currentId }));
            } catch (error) {
              const code = toSerialized(error).code;
              if ((code === 'CONVERSATION_NOT_FOUND' || code === 'NOT_FOUND') && get().currentId === currentId) {
                set({ currentId: null, messages: [], messagesStatus: 'idle' });
              }
            }
          }
          set({ list, listStatus: 'ready' });
        } catch (error) {
          onError?.(error);
          set({ listStatus: get().list.length > 0 ? 'ready' : 'error' });
        }
      },

      async select(id) {
        const token = ++selectToken;
        if (id === null) {
          set({ currentId: null, messages: [], messagesStatus: 'idle', messagesError: null, error: null, documentIds: [] });
          return;
        }
        set({ currentId: id, messagesStatus: 'loading', messagesError: null, error: null, ...(get().currentId !== id ? { messages: [], documentIds: [] } : {}) });
        try {
          const conversation = await api.call('chat.get', { id });
          if (token !== selectToken) return;
          set({ messages: conversation.messages, messagesStatus: 'ready', list: upsert(get().list, conversation), documentIds: conversation.documentIds ?? [] });
        } catch (error) {
          onError?.(error);
          if (token !== selectToken) return;
          set({ messagesStatus: 'error', messagesError: toSerialized(error) });
        }
      },

      async reloadCurrent() {
        const { currentId, live, sending } = get();
        if (currentId === null || sending || live?.conversationId === currentId) return;
        const token = selectToken;
        try {
          const conversation = await api.call('chat.get', { id: currentId });
          if (token !== selectToken || get().currentId !== currentId || get().live?.conversationId === currentId) return;
          set({ messages: conversation.messages, messagesStatus: 'ready', documentIds: conversation.documentIds ?? [] });
        } catch (error) {
          onError?.(error);
        }
      },

      async newChat() {
        const { currentId, list, messages } = get();
        const current = list.find((c) => c.id === currentId);
        // An empty conversation is already a new chat: reuse it rather than piling up empty ones.
        if (currentId === null || (current && current.messageCount === 0 && messages.length === 0)) {
          set({ error: null });
          return;
        }
        try {
          const created = await api.call('chat.create', {});
          set({ list: upsert(get().list, created) });
          await get().select(created.id);
        } catch (error) {
          onError?.(error);
          set({ error: toSerialized(error) });
        }
      },

      async rename(id, title) {
        const trimmed = title.trim();
        const existing = get().list.find((c) => c.id === id);
        if (!trimmed || existing?.title === trimmed) return true;
        try {
          const renamed = await api.call('chat.rename', { id, title: trimmed });
          set({ list: get().list.map((c) => (c.id === id ? renamed : c)) });
          return true;
        } catch (error) {
          onError?.(error);
          set({ error: toSerialized(error) });
          return false;
        }
      },

      async remove(id) {
        if (get().live?.conversationId === id) get().stop();
        try {
          await api.call('chat.delete', { id });
          set({ list: get().list.filter((c) => c.id !== id) });
          if (get().currentId === id) await get().select(null);
          return true;
        } catch (error) {
          onError?.(error);
          set({ error: toSerialized(error) });
          return false;
        }
      },

      setDraft(text) {
        set(get().error ? { draft: text, error: null } : { draft: text });
      },

      async send() {
        const { draft, currentId, live, sending } = get();
        if (live || sending) return;
        const question = draft;
        if (question.trim() === '') {
          set({ error: { code: 'EMPTY_QUESTION', message: 'Type a question first.' } });
          return;
        }
        const { documentIds } = get();
        // A new conversation takes its attachments with the first question; an existing one already has them saved.
        const input = currentId ? { conversationId: currentId, question } : documentIds.length > 0 ? { question, documentIds } : { question };
        await runChat(input, question, currentId);
      },

      async regenerate(messageId, options = {}) {
        const { currentId, live, sending } = get();
        if (live || sending) return;
        const seed = options.seed ?? randomSeed();
        await runChat(
          { question: '', regenerate: { messageId }, sampling: { seed }, ...(options.modelPath ? { modelPath: options.modelPath } : {}) },
          null,
          currentId,
        );
      },

      stop() {
        const { live, sending } = get();
        if (!live && !sending) return;
        if (live) {
          set({ live: { ...live, stopping: true } });
          // The stream's own cancel is the primary path; chat.stop also reaches a generation started elsewhere.
          api.call('chat.stop', { messageId: live.messageId }).catch(() => {});
        }
        activeStream?.abort();
      },

      dismissError() {
        set({ error: null });
      },

      async setDocuments(documentIds) {
        const { currentId, documentIds: before } = get();
        set({ documentIds });
        if (currentId === null) return true;
        try {
          const conversation = await api.call('chat.setDocuments', { conversationId: currentId, documentIds });
          if (get().currentId === currentId) set({ documentIds: conversation.documentIds });
          return true;
        } catch (error) {
          onError?.(error);
          if (get().currentId === currentId) set({ documentIds: before, error: toSerialized(error) });
          return false;
        }
      },
    };
  });
}

export type ConversationsStore = ReturnType<typeof createConversationsStore>;
