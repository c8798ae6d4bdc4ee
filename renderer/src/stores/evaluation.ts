/**
 * Evaluation: benchmark sets (import, the bundled sample, preview, remove), runs (start, pause, resume, remove)
 * with their progress from `eval.progress` events, a run's results with a row per item, the drill-down of one item
 * into the reasoning inspector (`eval.result`, then `trace.check`), the runs picked for the comparison chart, and
 * exports. The service keeps everything; this store mirrors it for the view.
 */
import { createStore } from 'zustand/vanilla';
import type {
  ApiClient,
  EvalExportFormat,
  EvalItem,
  EvalProgressEvent,
  EvalResultDetail,
  EvalResultRow,
  EvalRunDetail,
  EvalRunInput,
  EvalRunSummary,
  EvalSetSummary,
  SerializedError,
  TraceCheckResult,
} from '../contract';
import type { UploadFile } from '../api/uploads';
import { clientErrorKind } from '../api/clientErrors';
import { toSerialized } from './errors';
import { keyedActionRunner } from './keyedActions';
import { startRunner } from './startRunner';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface SetPreview {
  setId: string;
  status: 'loading' | 'ready' | 'error';
  items: EvalItem[];
  total: number;
  offset: number;
  error: SerializedError | null;
}

export interface RunDetailState {
  runId: string;
  status: 'loading' | 'ready' | 'error';
  data: EvalRunDetail | null;
  error: SerializedError | null;
}

/** One item opened in the reasoning inspector: its full answer, then the inspector's check of it. */
export interface ItemInspection {
  runId: string;
  itemId: string;
  status: 'loading' | 'checking' | 'ready' | 'error';
  detail: EvalResultDetail | null;
  check: TraceCheckResult | null;
  error: SerializedError | null;
}

export type RunAction = 'pausing' | 'resuming' | 'removing';

export interface EvaluationState {
  sets: EvalSetSummary[];
  setsStatus: LoadStatus;
  setsError: SerializedError | null;
  /** Importing a set (uploading first in a browser), or adding the sample. */
  importing: 'file' | 'sample' | null;
  importError: SerializedError | null;
  removeSetError: SerializedError | null;
  preview: SetPreview | null;

  runs: EvalRunSummary[];
  runsStatus: LoadStatus;
  runsError: SerializedError | null;
  starting: boolean;
  startError: SerializedError | null;
  /** A pause, resume or remove in flight, by run id. */
  actions: Record<string, RunAction>;
  actionError: { runId: string; error: SerializedError } | null;

  /** The run whose results are shown. */
  detail: RunDetailState | null;
  inspection: ItemInspection | null;
  /** Runs picked for the comparison chart, in the order picked. */
  compareIds: string[];
  /** `${runId}:${format}` while an export runs. */
  exporting: string | null;
  exportError: { runId: string; error: SerializedError } | null;

  refreshSets(): Promise<void>;
  /** Imports a set from a server-side path (Electron: the picked file's path). */
  importPath(path: string, name?: string): Promise<EvalSetSummary | null>;
  /** Browser: uploads the file, then imports it; in Electron its path is used. */
  importFile(file: File): Promise<EvalSetSummary | null>;
  addSample(): Promise<EvalSetSummary | null>;
  clearImportError(): void;
  removeSet(id: string): Promise<boolean>;
  previewSet(id: string, offset?: number): Promise<void>;
  closePreview(): void;

  refreshRuns(): Promise<void>;
  start(input: EvalRunInput): Promise<EvalRunSummary | null>;
  clearStartError(): void;
  pause(runId: string): Promise<void>;
  resume(runId: string): Promise<void>;
  removeRun(runId: string): Promise<boolean>;
  dismissActionError(): void;
  /** An `eval.progress` event: the run's summary, and its row in the results when they are open. */
  applyProgress(event: Pick<EvalProgressEvent, 'run' | 'row'>): void;
  /** An `eval.changed` event: sets or runs were added or removed. */
  applyChanged(): Promise<void>;

  openRun(runId: string): Promise<void>;
  closeRun(): void;
  openItem(runId: string, itemId: string): Promise<void>;
  closeItem(): void;
  toggleCompare(runId: string): void;
  /** Picks exactly these runs for the comparison chart (e.g. a base and its adapter, started together). */
  compareOnly(runIds: readonly string[]): void;
  exportRun(runId: string, format: EvalExportFormat): Promise<boolean>;
  dismissExportError(): void;
}

export interface EvaluationStoreDeps {
  api: ApiClient;
  onError?: (error: unknown) => void;
  /** Browser: uploads a file to the server; absent in Electron (files go by path). */
  upload?: UploadFile;
  /** Electron: a picked File's path. */
  pathForFile?: (file: File) => string;
  /** Saves an exported file (a Blob download). */
  save: (fileName: string, text: string, mimeType: string) => void;
  /** Items per preview page. Defaults to 50. */
  previewPageSize?: number;
}

/** Newest first, as the lists show them. */
export function sortRuns(runs: readonly EvalRunSummary[]): EvalRunSummary[] {
  return [...runs].sort((a, b) => b.createdAt - a.createdAt);
}

function sortSets(sets: readonly EvalSetSummary[]): EvalSetSummary[] {
  return [...sets].sort((a, b) => b.createdAt - a.createdAt);
}

/** Puts a summary into the list: replaced in place when known, else added (newest first). */
export function upsertRun(runs: readonly EvalRunSummary[], run: EvalRunSummary): EvalRunSummary[] {
  const index = runs.findIndex((r) => r.id === run.id);
  if (index < 0) return sortRuns([...runs, run]);
  // An older event arriving after a newer answer (a call and an event race) must not step progress back.
  if (runs[index]!.updatedAt > run.updatedAt) return runs as EvalRunSummary[];
  const next = runs.slice();
  next[index] = run;
  return next;
}

/** Puts a finished item's row into a run's rows: replaced when already there (a retried item), else appended. */
export function upsertRow(rows: readonly EvalResultRow[], row: EvalResultRow): EvalResultRow[] {
  const index = rows.findIndex((r) => r.itemId === row.itemId);
  if (index < 0) return [...rows, row];
  const next = rows.slice();
  next[index] = row;
  return next;
}

export function summaryOf(detail: EvalRunDetail): EvalRunSummary {
  const { rows: _rows, ...summary } = detail;
  return summary;
}

export function isRunActive(run: Pick<EvalRunSummary, 'status'>): boolean {
  return run.status === 'running' || run.status === 'queued';
}

export function createEvaluationStore({ api, onError, upload, pathForFile, save, previewPageSize = 50 }: EvaluationStoreDeps) {
  let setsToken = 0;
  let runsToken = 0;
  let previewToken = 0;
  let detailToken = 0;
  let inspectToken = 0;

  return createStore<EvaluationState>()((set, get) => {
    const fail = (error: unknown): SerializedError => {
      onError?.(error);
      return toSerialized(error);
    };
    const runStart = startRunner(get, set, fail);

    const keyedAction = keyedActionRunner<RunAction>(get, set);

    async function runAction(runId: string, action: RunAction, call: () => Promise<EvalRunSummary>) {
      await keyedAction(
        runId,
        action,
        async () => get().applyProgress({ run: await call(), row: null }),
        (error) => {
          set({ actionError: { runId, error: fail(error) } });
          void get().refreshRuns();
        },
      );
    }

    async function importWith(kind: 'file' | 'sample', run: () => Promise<EvalSetSummary>): Promise<EvalSetSummary | null> {
      if (get().importing) return null;
      set({ importing: kind, importError: null });
      try {
        const summary = await run();
        set({ sets: sortSets([summary, ...get().sets.filter((s) => s.id !== summary.id)]), setsStatus: 'ready' });
        return summary;
      } catch (error) {
        const serialized = toSerialized(error);
        if (clientErrorKind(serialized) !== 'cancelled') onError?.(error);
        set({ importError: serialized });
        return null;
      } finally {
        set({ importing: null });
      }
    }

    return {
      sets: [],
      setsStatus: 'idle',
      setsError: null,
      importing: null,
      importError: null,
      removeSetError: null,
      preview: null,
      runs: [],
      runsStatus: 'idle',
      runsError: null,
      starting: false,
      startError: null,
      actions: {},
      actionError: null,
      detail: null,
      inspection: null,
      compareIds: [],
      exporting: null,
      exportError: null,

      async refreshSets() {
        const token = ++setsToken;
        if (get().setsStatus === 'idle') set({ setsStatus: 'loading' });
        try {
          const sets = await api.call('eval.sets', {});
          if (token !== setsToken) return;
          set({ sets: sortSets(sets), setsStatus: 'ready', setsError: null });
        } catch (error) {
          const serialized = fail(error);
          if (token !== setsToken) return;
          set({ setsStatus: get().sets.length > 0 ? 'ready' : 'error', setsError: serialized });
        }
      },

      importPath(path, name) {
        const clean = path.trim();
        if (!clean) return Promise.resolve(null);
        return importWith('file', () => api.call('eval.importSet', name ? { path: clean, name } : { path: clean }));
      },

      importFile(file) {
        if (!upload) {
          if (!pathForFile) return Promise.resolve(null);
          return get().importPath(pathForFile(file));
        }
        return importWith('file', async () => {
          const uploaded = await upload(file);
          if (!uploaded.ok) throw uploaded.error;
          // The set keeps the user's file name, not the upload folder's copy.
          const name = file.name.replace(/\.(jsonl?|json)$/i, '') || file.name;
          return api.call('eval.importSet', { path: uploaded.value.path, name });
        });
      },

      addSample() {
        return importWith('sample', () => api.call('eval.addSample', {}));
      },

      clearImportError() {
        set({ importError: null });
      },

      async removeSet(id) {
        try {
          await api.call('eval.removeSet', { id });
          set({ sets: get().sets.filter((s) => s.id !== id), removeSetError: null, preview: get().preview?.setId === id ? null : get().preview });
          return true;
        } catch (error) {
          set({ removeSetError: fail(error) });
          return false;
        }
      },

      async previewSet(id, offset = 0) {
        const token = ++previewToken;
        const current = get().preview;
        set({ preview: { setId: id, status: 'loading', items: current?.setId === id ? current.items : [], total: current?.setId === id ? current.total : 0, offset, error: null } });
        try {
          const page = await api.call('eval.setItems', { id, offset, limit: previewPageSize });
          if (token !== previewToken) return;
          set({ preview: { setId: id, status: 'ready', items: page.items, total: page.total, offset, error: null } });
        } catch (error) {
          const serialized = fail(error);
          if (token !== previewToken) return;
          set({ preview: { setId: id, status: 'error', items: [], total: 0, offset, error: serialized } });
        }
      },

      closePreview() {
        previewToken++;
        set({ preview: null });
      },

      async refreshRuns() {
        const token = ++runsToken;
        if (get().runsStatus === 'idle') set({ runsStatus: 'loading' });
        try {
          const runs = await api.call('eval.runs', {});
          if (token !== runsToken) return;
          const ids = new Set(runs.map((r) => r.id));
          const detail = get().detail;
          set({
            runs: sortRuns(runs),
            runsStatus: 'ready',
            runsError: null,
            compareIds: get().compareIds.filter((id) => ids.has(id)),
            detail: detail && !ids.has(detail.runId) && detail.status !== 'loading' ? null : detail,
          });
        } catch (error) {
          const serialized = fail(error);
          if (token !== runsToken) return;
          set({ runsStatus: get().runs.length > 0 ? 'ready' : 'error', runsError: serialized });
        }
      },

      async start(input) {
        return runStart(async () => {
          const run = await api.call('eval.start', input);
          get().applyProgress({ run, row: null });
          return run;
        });
      },

      clearStartError() {
        set({ startError: null });
      },

      pause(runId) {
        return runAction(runId, 'pausing', () => api.call('eval.pause', { runId }));
      },

      resume(runId) {
        return runAction(runId, 'resuming', () => api.call('eval.resume', { runId }));
      },

      async removeRun(runId) {
        const removed = await keyedAction(
          runId,
          'removing',
          async () => {
            await api.call('eval.removeRun', { runId });
            const { detail, inspection } = get();
            set({
              runs: get().runs.filter((r) => r.id !== runId),
              compareIds: get().compareIds.filter((id) => id !== runId),
              detail: detail?.runId === runId ? null : detail,
              inspection: inspection?.runId === runId ? null : inspection,
            });
            return true;
          },
          (error) => {
            set({ actionError: { runId, error: fail(error) } });
            return false;
          },
        );
        return removed ?? false;
      },

      dismissActionError() {
        set({ actionError: null });
      },

      applyProgress({ run, row }) {
        const runs = upsertRun(get().runs, run);
        const detail = get().detail;
        if (detail?.runId !== run.id || !detail.data) {
          if (runs !== get().runs) set({ runs });
          return;
        }
        const current = runs.find((r) => r.id === run.id) ?? run;
        const rows = row ? upsertRow(detail.data.rows, row) : detail.data.rows;
        set({ runs, detail: { ...detail, data: { ...current, rows } } });
      },

      async applyChanged() {
        // Only what was loaded (the view was opened) is refetched; the view loads the rest when it opens.
        const { setsStatus, runsStatus } = get();
        await Promise.all([setsStatus !== 'idle' && get().refreshSets(), runsStatus !== 'idle' && get().refreshRuns()]);
      },

      async openRun(runId) {
        const token = ++detailToken;
        const known = get().detail?.runId === runId ? get().detail!.data : null;
        set({ detail: { runId, status: 'loading', data: known, error: null } });
        try {
          const data = await api.call('eval.run', { runId });
          if (token !== detailToken) return;
          // Events that arrived while it loaded may be newer than the answer.
          const summary = get().runs.find((r) => r.id === runId);
          const merged = summary && summary.updatedAt > data.updatedAt ? { ...data, ...summary, rows: data.rows } : data;
          set({ detail: { runId, status: 'ready', data: merged, error: null }, runs: upsertRun(get().runs, summaryOf(merged)) });
        } catch (error) {
          const serialized = fail(error);
          if (token !== detailToken) return;
          set({ detail: { runId, status: 'error', data: null, error: serialized } });
        }
      },

      closeRun() {
        detailToken++;
        inspectToken++;
        set({ detail: null, inspection: null });
      },

      async openItem(runId, itemId) {
        const token = ++inspectToken;
        set({ inspection: { runId, itemId, status: 'loading', detail: null, check: null, error: null } });
        const still = () => token === inspectToken;
        let detail: EvalResultDetail;
        try {
          detail = await api.call('eval.result', { runId, itemId });
        } catch (error) {
          const serialized = fail(error);
          if (still()) set({ inspection: { runId, itemId, status: 'error', detail: null, check: null, error: serialized } });
          return;
        }
        if (!still()) return;
        set({ inspection: { runId, itemId, status: 'checking', detail, check: null, error: null } });
        try {
          const check = await api.call('trace.check', {
            question: detail.question,
            reasoning: detail.reasoning,
            answer: detail.answer,
            ...(detail.context ? { context: detail.context } : {}),
          });
          if (still()) set({ inspection: { runId, itemId, status: 'ready', detail, check, error: null } });
        } catch (error) {
          const serialized = fail(error);
          if (still()) set({ inspection: { runId, itemId, status: 'error', detail, check: null, error: serialized } });
        }
      },

      closeItem() {
        inspectToken++;
        set({ inspection: null });
      },

      toggleCompare(runId) {
        const ids = get().compareIds;
        set({ compareIds: ids.includes(runId) ? ids.filter((id) => id !== runId) : [...ids, runId] });
      },

      compareOnly(runIds) {
        set({ compareIds: [...new Set(runIds)] });
      },

      async exportRun(runId, format) {
        if (get().exporting) return false;
        set({ exporting: `${runId}:${format}`, exportError: null });
        try {
          const exported = await api.call('eval.export', { runId, format });
          save(exported.fileName, exported.content, exported.mimeType);
          return true;
        } catch (error) {
          set({ exportError: { runId, error: fail(error) } });
          return false;
        } finally {
          set({ exporting: null });
        }
      },

      dismissExportError() {
        set({ exportError: null });
      },
    };
  });
}

export type EvaluationStore = ReturnType<typeof createEvaluationStore>;
