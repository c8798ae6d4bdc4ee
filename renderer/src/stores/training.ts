/**
 * Fine-tuning: the training set being built (a JSONL file, an evaluation run's items or answers from conversations),
 * its preview (`train.prepare`), the settings with the live estimate (`train.estimate`), the jobs with their progress
 * from `train.progress` events, and one job's detail (loss series, validation, checkpoints, samples). The service keeps
 * the jobs; this store mirrors them for the view. Only SFT exists today; GRPO will add its own form beside it.
 */
import { createStore } from 'zustand/vanilla';
import {
  defaultSftConfig,
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
import { toSerialized } from './errors';
import { appendByStep, jobListSlice, type JobListState, type OpenJobState } from './jobList';
import { latestLoader, type Loaded } from './latestCall';
import { jobFormSlice, type JobFormState } from './jobForm';
import { chosenFile, pickServerFile, type DataFileStoreDeps } from './serverFile';

export { appendByStep, isJobActive, sortJobs, upsertJob, type JobAction, type LoadStatus } from './jobList';
export type { Loaded } from './latestCall';

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

export type JobDetailState = OpenJobState<TrainJobDetail>;

/** What a `train.progress` event brings: the job's summary, and its new point / validation / sample. */
export type TrainProgress = Pick<TrainProgressEvent, 'job' | 'point' | 'validation' | 'sample'>;

/** The jobs and the open one's detail (jobList) are the `train.*` calls' and events'. */
export interface TrainingState extends JobListState<TrainJobSummary, TrainJobDetail, TrainProgress>, JobFormState {
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

  preview: Loaded<TrainPreview> | null;
  estimate: Loaded<TrainEstimate> | null;

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

  /** `train.prepare` for the current set, model, context and prompt style. */
  prepare(): Promise<void>;
  /** `train.estimate` for the current settings, with the preview's token count when there is one. */
  refreshEstimate(): Promise<void>;

  start(): Promise<TrainJobSummary | null>;
}

export type TrainingStoreDeps = DataFileStoreDeps;

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

export function createTrainingStore({ api, onError, upload, pathForFile }: TrainingStoreDeps) {
  let conversationToken = 0;

  return createStore<TrainingState>()((set, get) => {
    const fail = (error: unknown): SerializedError => {
      onError?.(error);
      return toSerialized(error);
    };
    const previewLoader = latestLoader<TrainPreview>((preview) => set({ preview }), fail);
    const estimateLoader = latestLoader<TrainEstimate>((estimate) => set({ estimate }), fail);

    /** A new set: its preview is stale (the estimate's token count with it). */
    const setSource = (source: DraftSource | null) => {
      previewLoader.forget();
      set({ source, preview: null });
    };

    const { slice: jobList, startJob } = jobListSlice(get, set, {
      calls: {
        jobs: () => api.call('train.jobs', {}),
        job: (jobId) => api.call('train.job', { jobId }),
        pause: (jobId) => api.call('train.pause', { jobId }),
        resume: (jobId) => api.call('train.resume', { jobId }),
        cancel: (jobId) => api.call('train.cancel', { jobId }),
        remove: (jobId) => api.call('train.remove', { jobId }),
      },
      fail,
      summaryOf: ({ loss: _l, validation: _v, checkpoints: _c, samples: _s, warnings: _w, checkpointDir: _d, ...summary }) => summary,
      addProgress: (data, { point, validation, sample }) => ({
        loss: point ? appendByStep(data.loss, point) : data.loss,
        validation: validation ? appendByStep(data.validation, validation) : data.validation,
        samples: sample ? [...data.samples, sample] : data.samples,
      }),
    });

    return {
      ...jobList,
      ...jobFormSlice(get, set),
      method: 'sft',
      sourceKind: 'file',
      source: null,
      uploading: false,
      uploadError: null,
      conversation: { id: null, status: 'ready', data: null, error: null },
      modelPath: '',
      config: { ...defaultSftConfig, targets: [...defaultSftConfig.targets] },
      preview: null,
      estimate: null,

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
        const file = chosenFile(path, fileName);
        if (!file) return;
        set({ sourceKind: 'file' });
        setSource({ kind: 'file', ...file });
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
        previewLoader.forget();
        set({ modelPath: path, preview: null });
      },

      setConfig(patch) {
        const before = get().config;
        const config = { ...before, ...patch };
        // The preview depends on the context length and prompt style (the tokens that fit).
        const stale = config.contextLength !== before.contextLength || config.promptStyle !== before.promptStyle;
        if (stale) previewLoader.forget();
        set({ config, ...(stale ? { preview: null } : {}) });
      },

      resetConfig() {
        get().setConfig({ ...defaultSftConfig, targets: [...defaultSftConfig.targets] });
      },

      async prepare() {
        const { modelPath, source, config } = get();
        const data = toDataSource(source);
        if (!modelPath || !data) return;
        await previewLoader.load(() => api.call('train.prepare', { modelPath, data, contextLength: config.contextLength, promptStyle: config.promptStyle, previewItems: 50 }));
      },

      async refreshEstimate() {
        const { modelPath, config, preview, estimate } = get();
        if (!modelPath) return;
        const tokens = preview?.status === 'ready' && preview.data && preview.data.tokens > 0 ? preview.data.tokens : null;
        await estimateLoader.load(() => api.call('train.estimate', { modelPath, config, ...(tokens ? { tokens } : {}) }), estimate?.data ?? null);
      },

      async start() {
        const { modelPath, source, config, name, starting } = get();
        const data = toDataSource(source);
        if (starting || !modelPath || !data) return null;
        return startJob(() => api.call('train.start', { modelPath, data, config, ...(name.trim() ? { name: name.trim() } : {}) }));
      },
    };
  });
}

export type TrainingStore = ReturnType<typeof createTrainingStore>;
