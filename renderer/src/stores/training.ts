/**
 * Fine-tuning: the training set being built (a JSONL file, an evaluation run's items or answers from conversations),
 * its preview (`train.prepare`), the settings with the live estimate (`train.estimate`), the jobs with their progress
 * from `train.progress` events, and one job's detail (loss series, validation, checkpoints, samples). The service keeps
 * the jobs; this store mirrors them for the view. Only SFT exists today; GRPO will add its own form beside it.
 */
import { createStore } from 'zustand/vanilla';
import {
  defaultSftConfig,
  type ApiClient,
  type ConversationRecord,
  type SerializedError,
  type SftConfig,
  type TrainDataSource,
  type TrainEstimate,
  type TrainJobDetail,
  type TrainJobSummary,
  type TrainPreview,
  type TrainProgressEvent,
} from '../contract';
import type { UploadFile } from '../api/uploads';
import { toSerialized } from './errors';
import { keyedActionRunner } from './keyedActions';
import { pickServerFile } from './serverFile';
import { startRunner } from './startRunner';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Only SFT trains today; GRPO (issue 9) gets its own form. */
export type TrainMethod = 'sft' | 'grpo';

/** An answer from a conversation picked for the set, optionally corrected by the user. */
export interface PickedAnswer {
  messageId: string;
  question: string;
  answer: string;
  /** The user's correction; empty = the answer as it is. */
  corrected: string;
}

/** The set as the user is building it; `source()` turns it into the API's TrainDataSource. */
export type DraftSource =
  | { kind: 'file'; path: string; fileName: string }
  | { kind: 'evalRun'; runId: string; onlyCorrect: boolean }
  | { kind: 'messages'; conversationId: string; picks: PickedAnswer[] };

export type SourceKind = DraftSource['kind'];

/** A call's latest answer, kept with the input it answered so a stale one is never shown as current. */
export interface Loaded<T> {
  status: 'loading' | 'ready' | 'error';
  data: T | null;
  error: SerializedError | null;
}

export interface JobDetailState {
  jobId: string;
  status: 'loading' | 'ready' | 'error';
  data: TrainJobDetail | null;
  error: SerializedError | null;
}

export type JobAction = 'pausing' | 'resuming' | 'cancelling' | 'removing';

export interface TrainingState {
  method: TrainMethod;
  sourceKind: SourceKind;
  source: DraftSource | null;
  /** Uploading (browser) the chosen file. */
  uploading: boolean;
  uploadError: SerializedError | null;
  /** A conversation whose answers can be picked. */
  conversation: Loaded<ConversationRecord> & { id: string | null };

  modelPath: string;
  config: SftConfig;
  name: string;
  /** Settings fields whose text is not a valid value now (Start waits for them). */
  invalidFields: string[];

  preview: Loaded<TrainPreview> | null;
  estimate: Loaded<TrainEstimate> | null;

  jobs: TrainJobSummary[];
  jobsStatus: LoadStatus;
  jobsError: SerializedError | null;
  starting: boolean;
  startError: SerializedError | null;
  actions: Record<string, JobAction>;
  actionError: { jobId: string; error: SerializedError } | null;
  detail: JobDetailState | null;

  setMethod(method: TrainMethod): void;
  setSourceKind(kind: SourceKind): void;
  /** Electron: the picked file's path; browser: the uploaded copy's. */
  chooseFile(file: File): Promise<void>;
  choosePath(path: string, fileName?: string): void;
  chooseEvalRun(runId: string, onlyCorrect: boolean): void;
  openConversation(id: string): Promise<void>;
  togglePick(messageId: string): void;
  correctPick(messageId: string, corrected: string): void;
  clearSource(): void;

  setModel(path: string): void;
  setConfig(patch: Partial<SftConfig>): void;
  resetConfig(): void;
  setName(name: string): void;
  setFieldInvalid(field: string, invalid: boolean): void;

  /** `train.prepare` for the current set, model, context and prompt style. */
  prepare(): Promise<void>;
  /** `train.estimate` for the current settings, with the preview's token count when there is one. */
  refreshEstimate(): Promise<void>;

  refreshJobs(): Promise<void>;
  start(): Promise<TrainJobSummary | null>;
  clearStartError(): void;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  remove(jobId: string): Promise<boolean>;
  dismissActionError(): void;
  openJob(jobId: string): Promise<void>;
  closeJob(): void;
  /** A `train.progress` event: the job's summary, and its new point / validation / sample in the open detail. */
  applyProgress(event: Pick<TrainProgressEvent, 'job' | 'point' | 'validation' | 'sample'>): void;
  /** A `train.changed` event: jobs were added or removed. */
  applyChanged(): Promise<void>;
}

export interface TrainingStoreDeps {
  api: ApiClient;
  onError?: (error: unknown) => void;
  /** Browser: uploads a file to the server; absent in Electron (files go by path). */
  upload?: UploadFile;
  /** Electron: a picked File's path. */
  pathForFile?: (file: File) => string;
}

/** The set as the API takes it, or null when nothing usable is chosen yet. */
export function toDataSource(source: DraftSource | null): TrainDataSource | null {
  if (!source) return null;
  switch (source.kind) {
    case 'file':
      return { kind: 'file', path: source.path };
    case 'evalRun':
      return { kind: 'evalRun', runId: source.runId, onlyCorrect: source.onlyCorrect };
    case 'messages': {
      if (source.picks.length === 0) return null;
      return {
        kind: 'messages',
        items: source.picks.map((p) => (p.corrected.trim() ? { messageId: p.messageId, answer: p.corrected.trim() } : { messageId: p.messageId })),
      };
    }
  }
}

/** The answered questions of a conversation, in order: each assistant answer with the user question before it. */
export function answersOf(conversation: ConversationRecord): Array<{ messageId: string; question: string; answer: string }> {
  const out: Array<{ messageId: string; question: string; answer: string }> = [];
  let question: string | null = null;
  for (const message of conversation.messages) {
    if (message.role === 'user') question = message.content;
    else if (message.role === 'assistant' && question && message.status === 'complete' && message.answer.trim()) out.push({ messageId: message.id, question, answer: message.answer });
  }
  return out;
}

export function isJobActive(job: Pick<TrainJobSummary, 'status'>): boolean {
  return job.status === 'running' || job.status === 'queued';
}

export function sortJobs(jobs: readonly TrainJobSummary[]): TrainJobSummary[] {
  return [...jobs].sort((a, b) => b.createdAt - a.createdAt);
}

/** Puts a summary into the list; an older event arriving after a newer answer does not step progress back. */
export function upsertJob(jobs: readonly TrainJobSummary[], job: TrainJobSummary): TrainJobSummary[] {
  const index = jobs.findIndex((j) => j.id === job.id);
  if (index < 0) return sortJobs([...jobs, job]);
  if (jobs[index]!.updatedAt > job.updatedAt) return jobs as TrainJobSummary[];
  const next = jobs.slice();
  next[index] = job;
  return next;
}

/** Adds a point to a series by step; a step at or before the last replaces the tail (a resume repeats the steps after its checkpoint). */
export function appendByStep<T extends { step: number }>(series: readonly T[], point: T): T[] {
  const last = series.at(-1);
  if (!last || point.step > last.step) return [...series, point];
  return [...series.filter((p) => p.step < point.step), point];
}

export function createTrainingStore({ api, onError, upload, pathForFile }: TrainingStoreDeps) {
  let prepareToken = 0;
  let estimateToken = 0;
  let jobsToken = 0;
  let detailToken = 0;
  let conversationToken = 0;

  return createStore<TrainingState>()((set, get) => {
    const fail = (error: unknown): SerializedError => {
      onError?.(error);
      return toSerialized(error);
    };
    const runStart = startRunner(get, set, fail);

    /** A new set: its preview is stale (the estimate's token count with it). */
    const setSource = (source: DraftSource | null) => {
      prepareToken++;
      set({ source, preview: null });
    };

    const runAction = keyedActionRunner<JobAction>(get, set);

    async function jobAction(jobId: string, action: JobAction, call: () => Promise<TrainJobSummary>) {
      await runAction(
        jobId,
        action,
        async () => get().applyProgress({ job: await call(), point: null, validation: null, sample: null }),
        (error) => {
          set({ actionError: { jobId, error: fail(error) } });
          void get().refreshJobs();
        },
      );
    }

    return {
      method: 'sft',
      sourceKind: 'file',
      source: null,
      uploading: false,
      uploadError: null,
      conversation: { id: null, status: 'ready', data: null, error: null },
      modelPath: '',
      config: { ...defaultSftConfig, targets: [...defaultSftConfig.targets] },
      name: '',
      invalidFields: [],
      preview: null,
      estimate: null,
      jobs: [],
      jobsStatus: 'idle',
      jobsError: null,
      starting: false,
      startError: null,
      actions: {},
      actionError: null,
      detail: null,

      setMethod(method) {
        set({ method });
      },

      setSourceKind(kind) {
        if (kind === get().sourceKind) return;
        set({ sourceKind: kind, uploadError: null });
        setSource(null);
      },

      chooseFile(file) {
        return pickServerFile(file, { upload, pathForFile, onError }, set, (path) => get().choosePath(path, file.name));
      },

      choosePath(path, fileName) {
        const clean = path.trim();
        if (!clean) return;
        set({ sourceKind: 'file' });
        setSource({ kind: 'file', path: clean, fileName: fileName ?? clean.split(/[\\/]/).pop() ?? clean });
      },

      chooseEvalRun(runId, onlyCorrect) {
        set({ sourceKind: 'evalRun' });
        setSource(runId ? { kind: 'evalRun', runId, onlyCorrect } : null);
      },

      async openConversation(id) {
        const token = ++conversationToken;
        set({ sourceKind: 'messages', conversation: { id, status: 'loading', data: null, error: null } });
        setSource(id ? { kind: 'messages', conversationId: id, picks: [] } : null);
        if (!id) {
          set({ conversation: { id: null, status: 'ready', data: null, error: null } });
          return;
        }
        try {
          const data = await api.call('chat.get', { id });
          if (token !== conversationToken) return;
          set({ conversation: { id, status: 'ready', data, error: null } });
        } catch (error) {
          const serialized = fail(error);
          if (token !== conversationToken) return;
          set({ conversation: { id, status: 'error', data: null, error: serialized } });
        }
      },

      togglePick(messageId) {
        const { source, conversation } = get();
        if (source?.kind !== 'messages' || !conversation.data) return;
        const picked = source.picks.some((p) => p.messageId === messageId);
        if (picked) return setSource({ ...source, picks: source.picks.filter((p) => p.messageId !== messageId) });
        const answer = answersOf(conversation.data).find((a) => a.messageId === messageId);
        if (!answer) return;
        // Kept in the conversation's order, as the preview numbers them.
        const order = answersOf(conversation.data).map((a) => a.messageId);
        const picks = [...source.picks, { ...answer, corrected: '' }].sort((a, b) => order.indexOf(a.messageId) - order.indexOf(b.messageId));
        setSource({ ...source, picks });
      },

      correctPick(messageId, corrected) {
        const source = get().source;
        if (source?.kind !== 'messages') return;
        setSource({ ...source, picks: source.picks.map((p) => (p.messageId === messageId ? { ...p, corrected } : p)) });
      },

      clearSource() {
        setSource(null);
        set({ uploadError: null });
      },

      setModel(path) {
        if (path === get().modelPath) return;
        prepareToken++;
        set({ modelPath: path, preview: null });
      },

      setConfig(patch) {
        const before = get().config;
        const config = { ...before, ...patch };
        // The preview depends on the context length and prompt style (the tokens that fit).
        const stale = config.contextLength !== before.contextLength || config.promptStyle !== before.promptStyle;
        if (stale) prepareToken++;
        set({ config, ...(stale ? { preview: null } : {}) });
      },

      resetConfig() {
        get().setConfig({ ...defaultSftConfig, targets: [...defaultSftConfig.targets] });
      },

      setName(name) {
        set({ name });
      },

      setFieldInvalid(field, invalid) {
        const fields = get().invalidFields;
        if (invalid === fields.includes(field)) return;
        set({ invalidFields: invalid ? [...fields, field] : fields.filter((f) => f !== field) });
      },

      async prepare() {
        const { modelPath, source, config } = get();
        const data = toDataSource(source);
        if (!modelPath || !data) return;
        const token = ++prepareToken;
        set({ preview: { status: 'loading', data: null, error: null } });
        try {
          const preview = await api.call('train.prepare', { modelPath, data, contextLength: config.contextLength, promptStyle: config.promptStyle, previewItems: 50 });
          if (token !== prepareToken) return;
          set({ preview: { status: 'ready', data: preview, error: null } });
        } catch (error) {
          const serialized = fail(error);
          if (token !== prepareToken) return;
          set({ preview: { status: 'error', data: null, error: serialized } });
        }
      },

      async refreshEstimate() {
        const { modelPath, config, preview } = get();
        if (!modelPath) return;
        const token = ++estimateToken;
        const tokens = preview?.status === 'ready' && preview.data && preview.data.tokens > 0 ? preview.data.tokens : null;
        const previous = get().estimate;
        // The previous figures stay on screen while the new ones load (no flicker as a number is typed).
        set({ estimate: { status: 'loading', data: previous?.data ?? null, error: null } });
        try {
          const estimate = await api.call('train.estimate', { modelPath, config, ...(tokens ? { tokens } : {}) });
          if (token !== estimateToken) return;
          set({ estimate: { status: 'ready', data: estimate, error: null } });
        } catch (error) {
          const serialized = fail(error);
          if (token !== estimateToken) return;
          set({ estimate: { status: 'error', data: null, error: serialized } });
        }
      },

      async refreshJobs() {
        const token = ++jobsToken;
        if (get().jobsStatus === 'idle') set({ jobsStatus: 'loading' });
        try {
          const jobs = await api.call('train.jobs', {});
          if (token !== jobsToken) return;
          const ids = new Set(jobs.map((j) => j.id));
          const detail = get().detail;
          set({ jobs: sortJobs(jobs), jobsStatus: 'ready', jobsError: null, detail: detail && !ids.has(detail.jobId) && detail.status !== 'loading' ? null : detail });
        } catch (error) {
          const serialized = fail(error);
          if (token !== jobsToken) return;
          set({ jobsStatus: get().jobs.length > 0 ? 'ready' : 'error', jobsError: serialized });
        }
      },

      async start() {
        const { modelPath, source, config, name, starting } = get();
        const data = toDataSource(source);
        if (starting || !modelPath || !data) return null;
        return runStart(async () => {
          const job = await api.call('train.start', { modelPath, data, config, ...(name.trim() ? { name: name.trim() } : {}) });
          get().applyProgress({ job, point: null, validation: null, sample: null });
          void get().openJob(job.id);
          return job;
        });
      },

      clearStartError() {
        set({ startError: null });
      },

      pause(jobId) {
        return jobAction(jobId, 'pausing', () => api.call('train.pause', { jobId }));
      },

      resume(jobId) {
        return jobAction(jobId, 'resuming', () => api.call('train.resume', { jobId }));
      },

      cancel(jobId) {
        return jobAction(jobId, 'cancelling', () => api.call('train.cancel', { jobId }));
      },

      async remove(jobId) {
        const removed = await runAction(
          jobId,
          'removing',
          async () => {
            await api.call('train.remove', { jobId });
            const detail = get().detail;
            if (detail?.jobId === jobId) detailToken++;
            set({ jobs: get().jobs.filter((j) => j.id !== jobId), detail: detail?.jobId === jobId ? null : detail });
            return true;
          },
          (error) => {
            set({ actionError: { jobId, error: fail(error) } });
            return false;
          },
        );
        return removed ?? false;
      },

      dismissActionError() {
        set({ actionError: null });
      },

      async openJob(jobId) {
        const token = ++detailToken;
        const known = get().detail?.jobId === jobId ? get().detail!.data : null;
        set({ detail: { jobId, status: 'loading', data: known, error: null } });
        try {
          const data = await api.call('train.job', { jobId });
          if (token !== detailToken) return;
          // Events that arrived while it loaded may be newer than the answer: their summary wins, the series are the answer's.
          const summary = get().jobs.find((j) => j.id === jobId);
          const merged = summary && summary.updatedAt > data.updatedAt ? { ...data, ...summary } : data;
          const { loss: _l, validation: _v, checkpoints: _c, samples: _s, warnings: _w, checkpointDir: _d, ...asSummary } = merged;
          set({ detail: { jobId, status: 'ready', data: merged, error: null }, jobs: upsertJob(get().jobs, asSummary) });
        } catch (error) {
          const serialized = fail(error);
          if (token !== detailToken) return;
          set({ detail: { jobId, status: 'error', data: null, error: serialized } });
        }
      },

      closeJob() {
        detailToken++;
        set({ detail: null });
      },

      applyProgress({ job, point, validation, sample }) {
        const jobs = upsertJob(get().jobs, job);
        const detail = get().detail;
        if (detail?.jobId !== job.id || !detail.data) {
          if (jobs !== get().jobs) set({ jobs });
          return;
        }
        const current = jobs.find((j) => j.id === job.id) ?? job;
        const data = detail.data;
        // A checkpoint appears in the summary's checkpointStep; its file list is refetched when the job settles.
        set({
          jobs,
          detail: {
            ...detail,
            data: {
              ...data,
              ...current,
              loss: point ? appendByStep(data.loss, point) : data.loss,
              validation: validation ? appendByStep(data.validation, validation) : data.validation,
              samples: sample ? [...data.samples, sample] : data.samples,
            },
          },
        });
        // When it stops, the stored detail (checkpoints, the last samples) is read once.
        if (isJobActive(data) && !isJobActive(current)) void get().openJob(job.id);
      },

      async applyChanged() {
        if (get().jobsStatus !== 'idle') await get().refreshJobs();
      },
    };
  });
}

export type TrainingStore = ReturnType<typeof createTrainingStore>;
