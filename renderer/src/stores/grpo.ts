/**
 * GRPO in the fine-tuning view: the data file, the base model (with or without an SFT adapter to start from), the
 * settings (DianJin-R1's defaults from GrpoConfig) with the reward editor and the live estimate (`grpo.estimate`), the jobs with their progress from
 * `grpo.progress` events, the open job's per-step series and sampled groups, one sample in the reasoning inspector
 * (`trace.check`), and the export of the same data for verl / LLaMA-Factory (`train.export`).
 */
import { createStore } from 'zustand/vanilla';
import {
  GrpoConfig,
  type ApiClient,
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
import type { UploadFile } from '../api/uploads';
import { splitReasoning } from '../contract';
import { toSerialized } from './errors';
import { appendByStep, isJobActive, type JobAction, type Loaded, type LoadStatus } from './training';
import { keyedActionRunner } from './keyedActions';
import { pickServerFile } from './serverFile';
import { startRunner } from './startRunner';

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

export interface GrpoJobDetailState {
  jobId: string;
  status: 'loading' | 'ready' | 'error';
  data: GrpoJobDetail | null;
  error: SerializedError | null;
}

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

export interface GrpoState {
  modelPath: string;
  /** The SFT adapter to start from ('' = the base model alone). */
  initAdapter: string;
  adapters: TrainedAdapter[];
  data: GrpoDataFile | null;
  uploading: boolean;
  uploadError: SerializedError | null;
  config: GrpoConfig;
  name: string;
  /** Settings fields whose text is not a valid value now (Start waits for them). */
  invalidFields: string[];
  /** Memory and time of a job with the current settings (null before a model is chosen). */
  estimate: Loaded<GrpoEstimate> | null;

  jobs: GrpoJobSummary[];
  jobsStatus: LoadStatus;
  jobsError: SerializedError | null;
  starting: boolean;
  startError: SerializedError | null;
  actions: Record<string, JobAction>;
  actionError: { jobId: string; error: SerializedError } | null;
  detail: GrpoJobDetailState | null;
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
  setName(name: string): void;
  setFieldInvalid(field: string, invalid: boolean): void;
  /** `grpo.estimate` for the current model, starting adapter, data and settings. */
  refreshEstimate(): Promise<void>;

  refreshJobs(): Promise<void>;
  start(): Promise<GrpoJobSummary | null>;
  clearStartError(): void;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  remove(jobId: string): Promise<boolean>;
  dismissActionError(): void;
  openJob(jobId: string): Promise<void>;
  closeJob(): void;
  showGroupsOf(step: number | null): void;
  /** A `grpo.progress` event: the job's summary, and the step's numbers and groups in the open detail. */
  applyProgress(event: Pick<GrpoProgressEvent, 'job' | 'step'>): void;
  /** A `grpo.changed` event: jobs were added or removed. */
  applyChanged(): Promise<void>;

  openSample(step: number, groupIndex: number, sampleIndex: number): Promise<void>;
  closeSample(): void;

  exportJob(request: Omit<TrainExportRequest, 'force'> & { force?: boolean }): Promise<TrainExportResult | null>;
  clearExport(): void;
}

export interface GrpoStoreDeps {
  api: ApiClient;
  onError?: (error: unknown) => void;
  /** Browser: uploads a file to the server; absent in Electron (files go by path). */
  upload?: UploadFile;
  /** Electron: a picked File's path. */
  pathForFile?: (file: File) => string;
}

export function sortGrpoJobs(jobs: readonly GrpoJobSummary[]): GrpoJobSummary[] {
  return [...jobs].sort((a, b) => b.createdAt - a.createdAt);
}

/** Puts a summary into the list; an older event arriving after a newer answer does not step progress back. */
export function upsertGrpoJob(jobs: readonly GrpoJobSummary[], job: GrpoJobSummary): GrpoJobSummary[] {
  const index = jobs.findIndex((j) => j.id === job.id);
  if (index < 0) return sortGrpoJobs([...jobs, job]);
  if (jobs[index]!.updatedAt > job.updatedAt) return jobs as GrpoJobSummary[];
  const next = jobs.slice();
  next[index] = job;
  return next;
}

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
  let jobsToken = 0;
  let detailToken = 0;
  let inspectToken = 0;
  let exportToken = 0;
  let estimateToken = 0;

  return createStore<GrpoState>()((set, get) => {
    const fail = (error: unknown): SerializedError => {
      onError?.(error);
      return toSerialized(error);
    };
    const runStart = startRunner(get, set, fail);

    const runAction = keyedActionRunner<JobAction>(get, set);

    async function jobAction(jobId: string, action: JobAction, call: () => Promise<GrpoJobSummary>) {
      await runAction(
        jobId,
        action,
        async () => get().applyProgress({ job: await call(), step: null }),
        (error) => {
          set({ actionError: { jobId, error: fail(error) } });
          void get().refreshJobs();
        },
      );
    }

    const setCustom = (custom: GrpoCustomReward[]) => get().setReward({ custom });

    return {
      modelPath: '',
      initAdapter: '',
      adapters: [],
      data: null,
      uploading: false,
      uploadError: null,
      config: cloneConfig(defaultGrpoConfig),
      name: '',
      invalidFields: [],
      estimate: null,
      jobs: [],
      jobsStatus: 'idle',
      jobsError: null,
      starting: false,
      startError: null,
      actions: {},
      actionError: null,
      detail: null,
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
        const clean = path.trim();
        if (!clean) return;
        set({ data: { path: clean, fileName: fileName ?? clean.split(/[\\/]/).pop() ?? clean }, startError: null });
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

      setName(name) {
        set({ name });
      },

      setFieldInvalid(field, invalid) {
        const fields = get().invalidFields;
        if (invalid === fields.includes(field)) return;
        set({ invalidFields: invalid ? [...fields, field] : fields.filter((f) => f !== field) });
      },

      async refreshEstimate() {
        const { modelPath, initAdapter, data, config } = get();
        if (!modelPath) return;
        const token = ++estimateToken;
        // The previous figures stay on screen while the new ones load (no flicker as a number is typed).
        set({ estimate: { status: 'loading', data: get().estimate?.data ?? null, error: null } });
        try {
          const estimate = await api.call('grpo.estimate', { modelPath, config, ...(initAdapter ? { initAdapter } : {}), ...(data ? { data: data.path } : {}) });
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
          const jobs = await api.call('grpo.jobs', {});
          if (token !== jobsToken) return;
          const ids = new Set(jobs.map((j) => j.id));
          const detail = get().detail;
          const gone = detail && !ids.has(detail.jobId) && detail.status !== 'loading';
          set({ jobs: sortGrpoJobs(jobs), jobsStatus: 'ready', jobsError: null, ...(gone ? { detail: null, inspection: null } : {}) });
        } catch (error) {
          const serialized = fail(error);
          if (token !== jobsToken) return;
          set({ jobsStatus: get().jobs.length > 0 ? 'ready' : 'error', jobsError: serialized });
        }
      },

      async start() {
        const { modelPath, initAdapter, data, config, name, starting } = get();
        if (starting || !modelPath || !data) return null;
        return runStart(async () => {
          const job = await api.call('grpo.start', {
            modelPath,
            data: data.path,
            config,
            ...(initAdapter ? { initAdapter } : {}),
            ...(name.trim() ? { name: name.trim() } : {}),
          });
          get().applyProgress({ job, step: null });
          void get().openJob(job.id);
          return job;
        });
      },

      clearStartError() {
        set({ startError: null });
      },

      pause(jobId) {
        return jobAction(jobId, 'pausing', () => api.call('grpo.pause', { jobId }));
      },

      resume(jobId) {
        return jobAction(jobId, 'resuming', () => api.call('grpo.resume', { jobId }));
      },

      cancel(jobId) {
        return jobAction(jobId, 'cancelling', () => api.call('grpo.cancel', { jobId }));
      },

      async remove(jobId) {
        const removed = await runAction(
          jobId,
          'removing',
          async () => {
            await api.call('grpo.remove', { jobId });
            const open = get().detail?.jobId === jobId;
            if (open) detailToken++;
            set({ jobs: get().jobs.filter((j) => j.id !== jobId), ...(open ? { detail: null, inspection: null, groupStep: null } : {}) });
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
        const same = get().detail?.jobId === jobId;
        const known = same ? get().detail!.data : null;
        set({ detail: { jobId, status: 'loading', data: known, error: null }, ...(same ? {} : { groupStep: null, exported: null }) });
        try {
          const data = await api.call('grpo.job', { jobId });
          if (token !== detailToken) return;
          // Events that arrived while it loaded may be newer than the answer: their summary wins, the series are the answer's.
          const summary = get().jobs.find((j) => j.id === jobId);
          const merged = summary && summary.updatedAt > data.updatedAt ? { ...data, ...summary } : data;
          const { series: _s, recentGroups: _g, warnings: _w, ...asSummary } = merged;
          set({ detail: { jobId, status: 'ready', data: merged, error: null }, jobs: upsertGrpoJob(get().jobs, asSummary) });
        } catch (error) {
          const serialized = fail(error);
          if (token !== detailToken) return;
          set({ detail: { jobId, status: 'error', data: null, error: serialized } });
        }
      },

      closeJob() {
        detailToken++;
        inspectToken++;
        set({ detail: null, inspection: null, groupStep: null });
      },

      showGroupsOf(step) {
        set({ groupStep: step });
      },

      applyProgress({ job, step }) {
        const jobs = upsertGrpoJob(get().jobs, job);
        const detail = get().detail;
        if (detail?.jobId !== job.id || !detail.data) {
          if (jobs !== get().jobs) set({ jobs });
          return;
        }
        const current = jobs.find((j) => j.id === job.id) ?? job;
        const data = detail.data;
        let { series, recentGroups } = data;
        if (step) {
          const { groups, ...point } = step;
          series = appendByStep(series, point);
          recentGroups = appendByStep(recentGroups, { step: step.step, groups }).slice(-KEPT_GROUP_STEPS);
        }
        set({ jobs, detail: { ...detail, data: { ...data, ...current, series, recentGroups } } });
        // When it stops, the stored detail is read once (a resume may have rewound the series to its checkpoint).
        if (isJobActive(data) && !isJobActive(current)) void get().openJob(job.id);
      },

      async applyChanged() {
        if (get().jobsStatus !== 'idle') await get().refreshJobs();
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
