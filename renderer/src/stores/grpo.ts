/**
 * GRPO in the fine-tuning view: the data file, the base model (with or without an SFT adapter to start from), the
 * settings (DianJin-R1's defaults from GrpoConfig) with the reward editor and the live estimate (`grpo.estimate`), the jobs with their progress from
 * `grpo.progress` events, the open job's per-step series and sampled groups, one sample in the reasoning inspector
 * (`trace.check`), and the export of the same data for verl / LLaMA-Factory (`train.export`).
 */
import { createStore } from 'zustand/vanilla';
import {
  GrpoConfig,
  type GrpoCustomReward,
  type GrpoEstimate,
  type GrpoGroup,
  type GrpoJobDetail,
  type GrpoJobSummary,
  type GrpoProgressEvent,
  type GrpoRewardConfig,
  type GrpoSample,
  type SerializedError,
  type TraceCheckResult,
  type TrainedAdapter,
  type TrainExportRequest,
  type TrainExportResult,
} from '../contract';
import { splitReasoning } from '../contract';
import { toSerialized } from './errors';
import { appendByStep, jobListSlice, sortJobs, upsertJob, type JobListState, type OpenJobState } from './jobList';
import { latestLoader, type Loaded } from './latestCall';
import { jobFormSlice, type JobFormState } from './jobForm';
import { chosenFile, pickServerFile, type DataFileStoreDeps } from './serverFile';

/** DianJin-R1's GRPO settings: group 8, temperature 0.6, top-p 0.95, KL 0.001, format and accuracy reward. */
export const defaultGrpoConfig: GrpoConfig = GrpoConfig.parse({});

/** The sampled groups of this many recent steps are kept while a job runs (the service keeps a few too). */
export const KEPT_GROUP_STEPS = 10;

/** A new custom reward of each kind, as the editor adds it. */
export function newCustomReward(kind: GrpoCustomReward['kind']): GrpoCustomReward {
  switch (kind) {
    case 'keywords':
      return { kind, include: [], exclude: [], weight: 1 };
    case 'jsonSchema':
      return { kind, schema: { type: 'object' }, weight: 1 };
    case 'answerStartsWith':
      return { kind, text: '\\boxed{', weight: 1 };
  }
}

export interface GrpoDataFile {
  path: string;
  fileName: string;
}

export type GrpoJobDetailState = OpenJobState<GrpoJobDetail>;

/** What a `grpo.progress` event brings: the job's summary, and the step's numbers and groups. */
export type GrpoProgress = Pick<GrpoProgressEvent, 'job' | 'step'>;

/** One sampled answer open in the inspector: the sample as it was, split, and the reasoning inspector's check. */
export interface GrpoSampleInspection {
  jobId: string;
  step: number;
  groupIndex: number;
  sampleIndex: number;
  group: Omit<GrpoGroup, 'samples'>;
  sample: GrpoSample;
  reasoning: string;
  answer: string;
  status: 'checking' | 'ready' | 'error';
  check: TraceCheckResult | null;
  error: SerializedError | null;
}

export interface GrpoExportState {
  status: 'running' | 'ready' | 'error';
  result: TrainExportResult | null;
  error: SerializedError | null;
}

/** The jobs and the open one's detail (jobList) are the `grpo.*` calls' and events'. */
export interface GrpoState extends JobListState<GrpoJobSummary, GrpoJobDetail, GrpoProgress>, JobFormState {
  modelPath: string;
  /** The SFT adapter to start from ('' = the base model alone). */
  initAdapter: string;
  adapters: TrainedAdapter[];
  data: GrpoDataFile | null;
  uploading: boolean;
  uploadError: SerializedError | null;
  config: GrpoConfig;
  /** Memory and time of a job with the current settings (null before a model is chosen). */
  estimate: Loaded<GrpoEstimate> | null;

  /** The step whose groups are shown; null = the latest. */
  groupStep: number | null;
  inspection: GrpoSampleInspection | null;
  exported: GrpoExportState | null;

  setModel(path: string): void;
  setInitAdapter(path: string): void;
  refreshAdapters(): Promise<void>;
  /** Electron: the picked file's path; browser: the uploaded copy's. */
  chooseFile(file: File): Promise<void>;
  choosePath(path: string, fileName?: string): void;
  clearData(): void;
  setConfig(patch: Partial<GrpoConfig>): void;
  setReward(patch: Partial<GrpoRewardConfig>): void;
  addCustomReward(kind: GrpoCustomReward['kind']): void;
  updateCustomReward(index: number, reward: GrpoCustomReward): void;
  removeCustomReward(index: number): void;
  resetConfig(): void;
  /** `grpo.estimate` for the current model, starting adapter, data and settings. */
  refreshEstimate(): Promise<void>;

  start(): Promise<GrpoJobSummary | null>;
  showGroupsOf(step: number | null): void;

  openSample(step: number, groupIndex: number, sampleIndex: number): Promise<void>;
  closeSample(): void;

  exportJob(request: Omit<TrainExportRequest, 'force'> & { force?: boolean }): Promise<TrainExportResult | null>;
  clearExport(): void;
}

export type GrpoStoreDeps = DataFileStoreDeps;

export const sortGrpoJobs: (jobs: readonly GrpoJobSummary[]) => GrpoJobSummary[] = sortJobs;

/** Puts a summary into the list; an older event arriving after a newer answer does not step progress back. */
export const upsertGrpoJob: (jobs: readonly GrpoJobSummary[], job: GrpoJobSummary) => GrpoJobSummary[] = upsertJob;

/** The groups of the step asked for, else of the latest step that has some. */
export function groupsOf(detail: Pick<GrpoJobDetail, 'recentGroups'>, step: number | null): { step: number; groups: GrpoGroup[] } | null {
  const recent = detail.recentGroups;
  if (recent.length === 0) return null;
  if (step !== null) {
    const found = recent.find((r) => r.step === step);
    if (found) return found;
  }
  return recent.reduce((a, b) => (b.step > a.step ? b : a));
}

/** Adapters that can start a job on this base model (an adapter is only for the model it was trained on). */
export function adaptersFor(adapters: readonly TrainedAdapter[], modelPath: string): TrainedAdapter[] {
  return adapters.filter((a) => a.baseModelPath === modelPath);
}

function cloneConfig(config: GrpoConfig): GrpoConfig {
  return structuredClone(config);
}

export function createGrpoStore({ api, onError, upload, pathForFile }: GrpoStoreDeps) {
  let inspectToken = 0;
  let exportToken = 0;

  return createStore<GrpoState>()((set, get) => {
    const fail = (error: unknown): SerializedError => {
      onError?.(error);
      return toSerialized(error);
    };
    const estimateLoader = latestLoader<GrpoEstimate>((estimate) => set({ estimate }), fail);

    const { slice: jobList, startJob } = jobListSlice(get, set, {
      calls: {
        jobs: () => api.call('grpo.jobs', {}),
        job: (jobId) => api.call('grpo.job', { jobId }),
        pause: (jobId) => api.call('grpo.pause', { jobId }),
        resume: (jobId) => api.call('grpo.resume', { jobId }),
        cancel: (jobId) => api.call('grpo.cancel', { jobId }),
        remove: (jobId) => api.call('grpo.remove', { jobId }),
      },
      fail,
      summaryOf: ({ series: _s, recentGroups: _g, warnings: _w, ...summary }) => summary,
      addProgress(data, { step }) {
        if (!step) return {};
        const { groups, ...point } = step;
        return { series: appendByStep(data.series, point), recentGroups: appendByStep(data.recentGroups, { step: step.step, groups }).slice(-KEPT_GROUP_STEPS) };
      },
      // The open job's groups, sample and export go with it.
      onDetailClosed(): Pick<GrpoState, 'inspection' | 'groupStep'> {
        inspectToken++;
        return { inspection: null, groupStep: null };
      },
      onOtherJobOpened: (): Pick<GrpoState, 'groupStep' | 'exported'> => ({ groupStep: null, exported: null }),
    });

    const setCustom = (custom: GrpoCustomReward[]) => get().setReward({ custom });

    return {
      ...jobList,
      ...jobFormSlice(get, set),
      modelPath: '',
      initAdapter: '',
      adapters: [],
      data: null,
      uploading: false,
      uploadError: null,
      config: cloneConfig(defaultGrpoConfig),
      estimate: null,
      groupStep: null,
      inspection: null,
      exported: null,

      setModel(path) {
        if (path === get().modelPath) return;
        // The SFT adapter belongs to the model it was trained on.
        const keep = adaptersFor(get().adapters, path).some((a) => a.path === get().initAdapter);
        set({ modelPath: path, ...(keep ? {} : { initAdapter: '' }) });
      },

      setInitAdapter(path) {
        set({ initAdapter: path });
      },

      async refreshAdapters() {
        try {
          set({ adapters: await api.call('train.adapters', {}) });
        } catch (error) {
          fail(error);
        }
      },

      chooseFile(file) {
        return pickServerFile(file, { upload, pathForFile, onError }, set, (path) => get().choosePath(path, file.name));
      },

      choosePath(path, fileName) {
        const file = chosenFile(path, fileName);
        if (file) set({ data: file, startError: null });
      },

      clearData() {
        set({ data: null, uploadError: null });
      },

      setConfig(patch) {
        set({ config: { ...get().config, ...patch } });
      },

      setReward(patch) {
        const config = get().config;
        set({ config: { ...config, reward: { ...config.reward, ...patch } } });
      },

      addCustomReward(kind) {
        setCustom([...get().config.reward.custom, newCustomReward(kind)]);
      },

      updateCustomReward(index, reward) {
        setCustom(get().config.reward.custom.map((r, i) => (i === index ? reward : r)));
      },

      removeCustomReward(index) {
        setCustom(get().config.reward.custom.filter((_, i) => i !== index));
        // The removed row's fields are gone; those after it move up, so their marks are dropped with it.
        set({ invalidFields: get().invalidFields.filter((f) => !f.startsWith('reward.custom.')) });
      },

      resetConfig() {
        set({ config: cloneConfig(defaultGrpoConfig), invalidFields: [] });
      },

      async refreshEstimate() {
        const { modelPath, initAdapter, data, config, estimate } = get();
        if (!modelPath) return;
        await estimateLoader.load(() => api.call('grpo.estimate', { modelPath, config, ...(initAdapter ? { initAdapter } : {}), ...(data ? { data: data.path } : {}) }), estimate?.data ?? null);
      },

      async start() {
        const { modelPath, initAdapter, data, config, name, starting } = get();
        if (starting || !modelPath || !data) return null;
        return startJob(() =>
          api.call('grpo.start', {
            modelPath,
            data: data.path,
            config,
            ...(initAdapter ? { initAdapter } : {}),
            ...(name.trim() ? { name: name.trim() } : {}),
          }),
        );
      },

      showGroupsOf(step) {
        set({ groupStep: step });
      },

      async openSample(step, groupIndex, sampleIndex) {
        const detail = get().detail;
        const group = detail?.data?.recentGroups.find((r) => r.step === step)?.groups[groupIndex];
        const sample = group?.samples[sampleIndex];
        if (!detail || !group || !sample) return;
        const token = ++inspectToken;
        const { reasoning, answer } = splitReasoning(sample.text);
        const { samples: _samples, ...groupInfo } = group;
        const base = { jobId: detail.jobId, step, groupIndex, sampleIndex, group: groupInfo, sample, reasoning, answer };
        set({ inspection: { ...base, status: 'checking', check: null, error: null } });
        try {
          const check = await api.call('trace.check', { question: group.question, reasoning, answer });
          if (token === inspectToken) set({ inspection: { ...base, status: 'ready', check, error: null } });
        } catch (error) {
          const serialized = fail(error);
          if (token === inspectToken) set({ inspection: { ...base, status: 'error', check: null, error: serialized } });
        }
      },

      closeSample() {
        inspectToken++;
        set({ inspection: null });
      },

      async exportJob(request) {
        const token = ++exportToken;
        set({ exported: { status: 'running', result: null, error: null } });
        try {
          const result = await api.call('train.export', { ...request, force: request.force ?? false });
          if (token === exportToken) set({ exported: { status: 'ready', result, error: null } });
          return result;
        } catch (error) {
          const serialized = fail(error);
          if (token === exportToken) set({ exported: { status: 'error', result: null, error: serialized } });
          return null;
        }
      },

      clearExport() {
        exportToken++;
        set({ exported: null });
      },
    };
  });
}

export type GrpoStore = ReturnType<typeof createGrpoStore>;
