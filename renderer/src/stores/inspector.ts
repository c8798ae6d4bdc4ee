/**
 * The reasoning inspector's view of saved answers: checked results cached per message (refetched when the message
 * changes), the side-by-side comparison, and exports. The answer being streamed keeps its own live result in the
 * conversations store (`live.inspection`); when it is saved, that final result seeds this cache.
 */
import { createStore } from 'zustand/vanilla';
import type { ApiClient, CheckedMessage, MessageComparison, MessageRecord, SerializedError, TraceCheckResult, TraceExport } from '../contract';
import { toSerialized } from './errors';

export interface CheckEntry {
  /** The message version it was checked at (see {@link checkKey}). */
  key: string;
  status: 'loading' | 'ready' | 'error';
  data: CheckedMessage | null;
  error: SerializedError | null;
}

export interface ComparisonEntry {
  leftId: string;
  rightId: string;
  status: 'loading' | 'ready' | 'error';
  data: MessageComparison | null;
  error: SerializedError | null;
}

export type ExportFormat = 'markdown' | 'json';

export interface InspectorState {
  checks: Record<string, CheckEntry>;
  /** Inspector panels open, by message id (kept across the live → saved switch of a message). */
  open: Record<string, boolean>;
  /** The comparison shown side by side, or null when closed. */
  comparison: ComparisonEntry | null;
  /** `${messageId}:${format}` while an export runs. */
  exporting: string | null;
  exportError: { messageId: string; error: SerializedError } | null;

  /** Checks a saved answer unless the cache already holds this version of it. */
  setOpen(messageId: string, open: boolean): void;
  ensureCheck(message: MessageRecord, force?: boolean): Promise<void>;
  /** Stores a result that arrived with the stream, so the saved answer needs no second check. */
  seedCheck(message: MessageRecord, question: string, result: TraceCheckResult): void;
  openCompare(leftId: string, rightId: string): Promise<void>;
  closeCompare(): void;
  /** Fetches the review file and saves it; resolves false (and sets `exportError`) when it failed. */
  exportTrace(messageId: string, format: ExportFormat, locale: 'en' | 'zh-CN'): Promise<boolean>;
  dismissExportError(): void;
}

export interface InspectorStoreDeps {
  api: ApiClient;
  onError?: (error: unknown) => void;
  /** Saves an exported file. */
  save: (fileName: string, text: string, mimeType: string) => void;
}

/** What makes a saved answer's check stale: a new status or text (a reload after it finished, say). */
export function checkKey(message: Pick<MessageRecord, 'status' | 'updatedAt' | 'reasoning' | 'answer'>): string {
  return `${message.status}:${message.updatedAt}:${message.reasoning.length}:${message.answer.length}`;
}

export function createInspectorStore({ api, onError, save }: InspectorStoreDeps) {
  /** Guards against a slow compare overwriting a later one. */
  let compareToken = 0;

  return createStore<InspectorState>()((set, get) => ({
    checks: {},
    open: {},
    comparison: null,
    exporting: null,
    exportError: null,

    setOpen(messageId, open) {
      const { [messageId]: _, ...rest } = get().open;
      set({ open: open ? { ...rest, [messageId]: true } : rest });
    },

    async ensureCheck(message, force = false) {
      const key = checkKey(message);
      const existing = get().checks[message.id];
      if (!force && existing && existing.key === key && existing.status !== 'error') return;
      const setEntry = (entry: CheckEntry) => {
        // A newer version may have been asked for meanwhile.
        const current = get().checks[message.id];
        if (current && current.key !== entry.key && entry.status !== 'loading') return;
        set({ checks: { ...get().checks, [message.id]: entry } });
      };
      setEntry({ key, status: 'loading', data: existing?.data ?? null, error: null });
      try {
        const data = await api.call('trace.checkMessage', { messageId: message.id });
        setEntry({ key, status: 'ready', data, error: null });
      } catch (error) {
        onError?.(error);
        setEntry({ key, status: 'error', data: null, error: toSerialized(error) });
      }
    },

    seedCheck(message, question, result) {
      const data: CheckedMessage = { messageId: message.id, input: { question, reasoning: message.reasoning, answer: message.answer }, result };
      set({ checks: { ...get().checks, [message.id]: { key: checkKey(message), status: 'ready', data, error: null } } });
    },

    async openCompare(leftId, rightId) {
      const token = ++compareToken;
      set({ comparison: { leftId, rightId, status: 'loading', data: null, error: null } });
      try {
        const data = await api.call('trace.compare', { leftMessageId: leftId, rightMessageId: rightId });
        if (token !== compareToken || !get().comparison) return;
        set({ comparison: { leftId, rightId, status: 'ready', data, error: null } });
      } catch (error) {
        onError?.(error);
        if (token !== compareToken || !get().comparison) return;
        set({ comparison: { leftId, rightId, status: 'error', data: null, error: toSerialized(error) } });
      }
    },

    closeCompare() {
      compareToken++;
      set({ comparison: null });
    },

    async exportTrace(messageId, format, locale) {
      if (get().exporting) return false;
      set({ exporting: `${messageId}:${format}`, exportError: null });
      try {
        const exported: TraceExport = await api.call('trace.export', { messageId, locale });
        if (format === 'markdown') save(`${exported.fileName}.md`, exported.markdown, 'text/markdown');
        else save(`${exported.fileName}.json`, exported.json, 'application/json');
        return true;
      } catch (error) {
        onError?.(error);
        set({ exportError: { messageId, error: toSerialized(error) } });
        return false;
      } finally {
        set({ exporting: null });
      }
    },

    dismissExportError() {
      set({ exportError: null });
    },
  }));
}

export type InspectorStore = ReturnType<typeof createInspectorStore>;
