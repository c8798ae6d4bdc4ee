/**
 * App-wide state: server info, the inference status, which view is shown, notices and the connection.
 */
import { createStore } from 'zustand/vanilla';
import type { ApiClient } from '../contract';
import type { AppInfo, InferenceStatus } from '../contract';
import type { SerializedError } from '../contract';
import type { ConnectionState } from '../api/httpTransport';
import type { TranslationKey } from './types';
import { toSerialized } from './errors';

export type View = 'chat' | 'library' | 'models' | 'evaluation' | 'training' | 'settings';

export interface Notice {
  id: number;
  kind: 'info' | 'warning' | 'error';
  /** Translated at render time, so a language change re-translates it. */
  messageKey: TranslationKey;
  params?: Record<string, string | number>;
  error?: SerializedError;
  /** Dismissed automatically after this many ms; sticky when absent. */
  timeoutMs?: number;
}

export interface AppState {
  info: AppInfo | null;
  status: InferenceStatus | null;
  infoError: SerializedError | null;
  view: View;
  notices: Notice[];
  connection: ConnectionState;
  /** A call was refused for its token (browser): the page shows how to reopen it. */
  unauthorized: boolean;

  loadInfo(): Promise<void>;
  refreshStatus(): Promise<void>;
  setStatus(status: InferenceStatus): void;
  setView(view: View): void;
  setConnection(state: ConnectionState): void;
  pushNotice(notice: Omit<Notice, 'id'>): number;
  dismissNotice(id: number): void;
  reportError(error: unknown): SerializedError;
}

export interface AppStoreDeps {
  api: ApiClient;
}

export function createAppStore({ api }: AppStoreDeps) {
  let nextNoticeId = 1;
  return createStore<AppState>()((set, get) => ({
    info: null,
    status: null,
    infoError: null,
    view: 'chat',
    notices: [],
    connection: 'idle',
    unauthorized: false,

    async loadInfo() {
      try {
        const info = await api.call('app.info', {});
        set({ info, status: info.inference, infoError: null });
      } catch (error) {
        set({ infoError: get().reportError(error) });
      }
    },

    async refreshStatus() {
      try {
        get().setStatus(await api.call('inference.status', {}));
      } catch (error) {
        get().reportError(error);
      }
    },

    setStatus(status) {
      set((s) => ({ status, info: s.info ? { ...s.info, inference: status } : s.info }));
    },

    setView(view) {
      set({ view });
    },

    setConnection(connection) {
      set({ connection });
    },

    pushNotice(notice) {
      const id = nextNoticeId++;
      // The same message twice (e.g. two restarts) shows once.
      set((s) => ({ notices: [...s.notices.filter((n) => n.messageKey !== notice.messageKey), { ...notice, id }] }));
      if (notice.timeoutMs) setTimeout(() => get().dismissNotice(id), notice.timeoutMs);
      return id;
    },

    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },

    reportError(error) {
      const serialized = toSerialized(error);
      if (serialized.code === 'UNAUTHORIZED') set({ unauthorized: true });
      return serialized;
    },
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;
