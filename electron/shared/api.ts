/**
 * The one API declaration. Every method is named here with its zod input schema, its output type and whether it
 * streams. The Electron IPC binding, the HTTP/WS server and the renderer's typed client are all derived from it,
 * and both transports validate inputs with these schemas (see ./transport.ts).
 * Runtime-neutral: imported by the renderer and the preload.
 */
import { z } from 'zod';
import {
  AppSettings,
  SamplingSettings,
  LoadSettings,
  type LoraAdapter,
  ThemeChoice,
  LanguageChoice,
  EngineSettingsFields,
  isHttpUrl,
  type ConversationRecord,
  type ConversationSummary,
  type MessageRecord,
} from './records';
import type { SerializedError } from './errors';
import { TrainExportRequest, type TrainExportResult } from './trainExport';
import { GrpoEstimateInput, GrpoStartInput, type GrpoEstimate, type GrpoJobDetail, type GrpoJobSummary, type GrpoProgressEvent } from './grpo';
import { TraceInput, type TraceCheckResult, type TraceComparison } from './inspection';
import type { DocumentPageView, DocumentSummary, IngestBatchResult, IngestProgress, SearchResult } from './documents';
import type { CatalogEntryWithFit, DownloadJob, DownloadProgress, DownloadResult, MirrorChoice } from './models';
import {
  EvalRunInput,
  type EvalExport,
  type EvalItem,
  type EvalProgressEvent,
  type EvalResultDetail,
  type EvalRunDetail,
  type EvalRunSummary,
  type EvalSetSummary,
} from './evaluation';
import {
  TrainEstimateInput,
  TrainPrepareInput,
  TrainStartInput,
  type TrainedAdapter,
  type TrainEstimate,
  type TrainJobDetail,
  type TrainJobSummary,
  type TrainPreview,
  type TrainProgressEvent,
} from './training';

// ── Method descriptors ────────────────────────────────────────────────────────────────────────────────────────
export interface CallMethod<I extends z.ZodType, O> {
  readonly kind: 'call';
  readonly input: I;
  /** Phantom: carries the output type only. */
  readonly output?: O;
}
export interface StreamMethod<I extends z.ZodType, C, O> {
  readonly kind: 'stream';
  readonly input: I;
  readonly chunk?: C;
  readonly output?: O;
}
const call = <O>() => <I extends z.ZodType>(input: I): CallMethod<I, O> => ({ kind: 'call', input });
const stream = <C, O>() => <I extends z.ZodType>(input: I): StreamMethod<I, C, O> => ({ kind: 'stream', input });

const empty = z.object({}).strict();
const id = z.string().min(1).max(100);
const filePath = z.string().trim().min(1, 'A file path is required.').max(4096);

// ── Output types ─────────────────────────────────────────────────────────────────────────────────────────────
export type HostKind = 'electron' | 'browser' | 'cli';

export interface ModelFileInfo {
  path: string;
  fileName: string;
  sizeBytes: number;
  name: string | null;
  architecture: string | null;
  /** e.g. "Q4_K_M", from general.file_type; null when unknown. */
  quantization: string | null;
  contextLength: number | null;
  hasChatTemplate: boolean;
  /** Bytes of RAM/VRAM expected at the chosen context size, from node-llama-cpp's GGUF insights. */
  estimatedMemoryBytes: number | null;
}

export type InferenceState = 'idle' | 'starting' | 'loading' | 'ready' | 'error' | 'restarting';

export interface LoadedModelInfo {
  path: string;
  name: string;
  sha256: string | null;
  /** "cuda" | "metal" | "vulkan" | "cpu" */
  backend: string;
  threads: number;
  contextSize: number;
  gpuLayers: number;
  totalLayers: number;
  /** The LoRA adapter applied on top of the model, if any. */
  lora?: LoraAdapter | null;
}

export interface InferenceStatus {
  state: InferenceState;
  /** 0..1 while loading. */
  progress: number | null;
  model: LoadedModelInfo | null;
  error: SerializedError | null;
  /** Process id of the inference process (null while none runs). */
  pid: number | null;
  /** How many times the inference process was restarted after a crash. */
  restarts: number;
  busy: boolean;
}

export interface AppInfo {
  version: string;
  host: HostKind;
  dataDir: string;
  modelsDir: string;
  platform: string;
  arch: string;
  inference: InferenceStatus;
  /** False where secrets (the remote engine's API key) are stored in plain text: the CLI's and serve's data folder. */
  secretsEncrypted: boolean;
  /** What to tell the user when `secretsEncrypted` is false; null otherwise. */
  secretsWarning: string | null;
}

/** A saved remote-engine API key, described (the key itself never leaves the services). */
export interface EngineKeyStatus {
  saved: boolean;
  /** The origin the key is sent to (it is bound to it), e.g. "https://llm.example.com". */
  origin: string | null;
  encrypted: boolean;
}

export interface EngineTestResult {
  baseUrl: string;
  models: Array<{ id: string; ownedBy: string | null }>;
  /** Whether `model` (when given) is among them. */
  modelFound: boolean | null;
  latencyMs: number;
}

export type AppEvent =
  | { type: 'inference.status'; status: InferenceStatus }
  /** The inference process died and was restarted; `interruptedMessageId` was being generated. */
  | { type: 'inference.restarted'; reason: string; interruptedMessageId: string | null }
  | { type: 'conversations.changed' }
  /** Documents were added to or removed from the report library (any window, the CLI excepted). */
  | { type: 'documents.changed' }
  /** An evaluation run advanced (an item finished) or changed state. */
  | EvalProgressEvent
  /** Evaluation sets or runs were added or removed. */
  | { type: 'eval.changed' }
  /** A fine-tuning job advanced (a step, a validation loss, a sample) or changed state. */
  | TrainProgressEvent
  /** Fine-tuning jobs were added or removed. */
  | { type: 'train.changed' }
  /** A GRPO job advanced (a step, with its sampled groups) or changed state. */
  | GrpoProgressEvent
  /** GRPO jobs were added or removed. */
  | { type: 'grpo.changed' };

export type ChatChunk =
  | { type: 'start'; conversation: ConversationSummary; userMessage: MessageRecord; assistantMessage: MessageRecord; startInReasoning: boolean }
  /** Batched display deltas (tags stripped). */
  | { type: 'delta'; reasoning: string; answer: string; completionTokens: number }
  /** The reasoning inspector's view of the trace so far (about once a second while it streams, off the token path). */
  | { type: 'inspection'; result: TraceCheckResult };

/** A saved answer run through the reasoning inspector. */
export interface CheckedMessage {
  messageId: string;
  input: TraceInput;
  result: TraceCheckResult;
}

export interface MessageComparison extends TraceComparison {
  leftMessageId: string;
  rightMessageId: string;
  leftInput: TraceInput;
  rightInput: TraceInput;
}

export interface TraceExport {
  /** A suggested file name without extension, e.g. "trace-2026-11-24-gross-profit". */
  fileName: string;
  markdown: string;
  json: string;
}

// ── Input schemas ────────────────────────────────────────────────────────────────────────────────────────────
const engineUrl = z.string().trim().min(1, 'The engine address is required.').max(2000).refine(isHttpUrl, 'The engine address must be an http:// or https:// URL.');
export const EngineChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z.object({ kind: z.literal('remote'), baseUrl: engineUrl, model: z.string().trim().min(1, 'The remote model name is required.').max(200) }).strict(),
]);
export type EngineChoice = z.infer<typeof EngineChoice>;

export const ChatSendInput = z.object({
  /** Omit to start a new conversation. */
  conversationId: id.optional(),
  question: z.string().max(200_000),
  /** Defaults to the selected model. */
  modelPath: filePath.optional(),
  sampling: SamplingSettings.partial().optional(),
  /**
   * Answer the question of this assistant message again (another seed or model), saved as an alternative of it for
   * side-by-side comparison; `question` and `conversationId` are then taken from that message.
   */
  regenerate: z.object({ messageId: id }).strict().optional(),
  /**
   * Library documents to answer from (with [n] citations). Saved as the conversation's attachments, so later
   * questions keep them; omit to keep what the conversation has, [] to detach all.
   */
  documentIds: z.array(id).max(50).optional(),
  /** Per-request load settings (the CLI's --threads/--ctx/--gpu); saved settings otherwise. */
  load: LoadSettings.partial().optional(),
  /**
   * Which engine answers this question (the CLI's --engine); defaults to `modelPath`'s local model when that is
   * given, else the engine in settings. A saved API key is sent only to the origin it was saved for.
   */
  engine: EngineChoice.optional(),
});
export type ChatSendInput = z.infer<typeof ChatSendInput>;

export const SettingsPatch = z
  .object({
    sampling: SamplingSettings.partial(),
    load: LoadSettings.partial(),
    theme: ThemeChoice,
    language: LanguageChoice,
    modelPath: z.string().nullable(),
    embeddingModelPath: z.string().trim().min(1).max(4096).nullable(),
    engine: EngineSettingsFields.partial(),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

// ── The API ──────────────────────────────────────────────────────────────────────────────────────────────────
export const api = {
  'app.info': call<AppInfo>()(empty),
  /** Server-pushed events for as long as the client listens. */
  'app.events': stream<AppEvent, void>()(empty),

  'settings.get': call<AppSettings>()(empty),
  'settings.update': call<AppSettings>()(SettingsPatch),

  /** GGUF files in the models folder, plus the selected model wherever it lives. */
  'models.list': call<ModelFileInfo[]>()(empty),
  'models.inspect': call<ModelFileInfo>()(z.object({ path: filePath }).strict()),
  /** Validates a GGUF, makes it the selected model and loads it in the inference process. */
  'models.select': call<InferenceStatus>()(z.object({ path: filePath }).strict()),
  /** The downloadable models, each with how it would run here at `contextSize` (default: the load settings'). */
  'models.catalog': call<CatalogEntryWithFit[]>()(z.object({ contextSize: z.number().int().min(256).max(262144).optional() }).strict()),
  /**
   * Downloads a model file (resuming its partial file), verifies its SHA-256 and resolves with its path. Progress
   * chunks while it runs; cancelling the stream pauses it (the partial file stays, the same call resumes it).
   * Without a known hash it fails with DOWNLOAD_UNVERIFIED unless `allowUnverified` (the user confirmed).
   */
  'models.download': stream<DownloadProgress, DownloadResult>()(
    z
      .object({
        url: z.string().trim().url('A download link (http or https) is required.').max(4096),
        sha256: z.string().trim().regex(/^[0-9a-fA-F]{64}$/, 'The SHA-256 must be 64 hexadecimal digits.').optional(),
        toDir: filePath.optional(),
        allowUnverified: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Download jobs, persisted across restarts (paused and failed ones resume from their partial file). */
  'models.downloads': call<DownloadJob[]>()(empty),
  'models.pauseDownload': call<DownloadJob>()(z.object({ id }).strict()),
  /** Stops a download, deletes its partial file and forgets it. */
  'models.cancelDownload': call<{ cancelled: boolean }>()(z.object({ id }).strict()),
  /** Records a GGUF the user already has by its path (no copy); `models.list` then shows it. */
  'models.import': call<ModelFileInfo>()(z.object({ path: filePath }).strict()),
  /** Forgets a model; deletes the file only when it is in the models folder or was downloaded by the app. */
  'models.remove': call<{ path: string; deleted: boolean; forgotten: boolean }>()(z.object({ path: filePath }).strict()),
  /** Where Hugging Face downloads come from: huggingface.co, hf-mirror.com, ModelScope or a custom base URL. */
  'models.setMirror': call<{ mirror: MirrorChoice }>()(
    z.object({ mirror: z.union([z.enum(['huggingface', 'hf-mirror', 'modelscope']), z.object({ custom: z.string().trim().url().max(2000) }).strict()]) }).strict(),
  ),

  'inference.status': call<InferenceStatus>()(empty),

  'chat.list': call<ConversationSummary[]>()(empty),
  'chat.get': call<ConversationRecord>()(z.object({ id }).strict()),
  'chat.create': call<ConversationSummary>()(z.object({ title: z.string().max(200).optional() }).strict()),
  'chat.rename': call<ConversationSummary>()(z.object({ id, title: z.string().trim().min(1).max(200) }).strict()),
  'chat.delete': call<{ deleted: boolean }>()(z.object({ id }).strict()),
  /** Asks a question; streams the answer; resolves with the saved assistant message. Cancel the stream to stop. */
  'chat.send': stream<ChatChunk, MessageRecord>()(ChatSendInput),
  /** Adds files to the report library (server-side paths; the browser uploads first). Progress per page; cancel the stream to stop. */
  'docs.add': stream<IngestProgress, IngestBatchResult>()(z.object({ paths: z.array(filePath).min(1).max(200) }).strict()),
  'docs.list': call<DocumentSummary[]>()(empty),
  /** Builds meaning-search vectors for documents that have none (after choosing an embedding model). */
  'docs.embed': stream<IngestProgress, { embedded: number; failed: number }>()(empty),
  'docs.get': call<DocumentSummary>()(z.object({ id }).strict()),
  /** One page's text and tables, for the page view a citation opens. */
  'docs.page': call<DocumentPageView>()(z.object({ id, page: z.number().int().min(1).max(100_000) }).strict()),
  'docs.remove': call<{ removed: boolean }>()(z.object({ id }).strict()),
  'docs.search': call<SearchResult>()(
    z.object({ query: z.string().trim().min(1, 'Type something to search for.').max(1000), top: z.number().int().min(1).max(100).default(10), documentIds: z.array(id).max(200).optional() }).strict(),
  ),
  /** Attaches library documents to a conversation (questions are then answered from them, with citations). */
  'chat.setDocuments': call<ConversationRecord>()(z.object({ conversationId: id, documentIds: z.array(id).max(50) }).strict()),

  /** Runs the reasoning inspector on any trace (from any engine). */
  'trace.check': call<TraceCheckResult>()(TraceInput),
  /** Runs the reasoning inspector on a saved answer and its question. */
  'trace.checkMessage': call<CheckedMessage>()(z.object({ messageId: id }).strict()),
  /** Two answers side by side: steps aligned, where they diverge, which has checked errors. */
  'trace.compare': call<MessageComparison>()(z.object({ leftMessageId: id, rightMessageId: id }).strict()),
  /** A checked trace as Markdown and JSON, for a review file. */
  'trace.export': call<TraceExport>()(z.object({ messageId: id, locale: z.enum(['en', 'zh-CN']).default('en') }).strict()),
  /** Stops the generation of a message (from any client). */
  'chat.stop': call<{ stopped: boolean }>()(z.object({ messageId: id }).strict()),

  /**
   * "Test connection" for a remote engine: lists its models. `apiKey` is for this test only (not saved); without
   * it the saved key is used when it was saved for the same origin.
   */
  'engine.test': call<EngineTestResult>()(
    z.object({ baseUrl: engineUrl, model: z.string().trim().max(200).optional(), apiKey: z.string().trim().min(1).max(4096).optional() }).strict(),
  ),
  /** Saves the remote engine's API key (encrypted in the desktop app), bound to `baseUrl`'s origin (default: the engine in settings). */
  'secrets.setEngineKey': call<EngineKeyStatus>()(z.object({ apiKey: z.string().trim().min(1, 'The API key is empty.').max(4096), baseUrl: engineUrl.optional() }).strict()),
  'secrets.clearEngineKey': call<{ cleared: boolean }>()(empty),
  'secrets.engineKeyStatus': call<EngineKeyStatus>()(empty),

  /** Evaluation sets (benchmarks) the user imported, plus the bundled sample once added. */
  'eval.sets': call<EvalSetSummary[]>()(empty),
  /**
   * Imports a set from a file (server-side path; the browser uploads first): FinQA JSON, CFLUE JSON/JSONL,
   * DianJin-R1-Data JSON, or the simple JSONL (`id`, `task`, `question`, `reference`, optional `context`).
   */
  'eval.importSet': call<EvalSetSummary>()(z.object({ path: filePath, name: z.string().trim().min(1).max(200).optional() }).strict()),
  /** Adds the bundled sample set (the project's own en + zh items), so a new user can try evaluation at once. */
  'eval.addSample': call<EvalSetSummary>()(empty),
  'eval.removeSet': call<{ removed: boolean }>()(z.object({ id }).strict()),
  /** A page of a set's items, for the preview. */
  'eval.setItems': call<{ items: EvalItem[]; total: number }>()(
    z.object({ id, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50) }).strict(),
  ),
  /** Starts a run in the background; progress arrives as `eval.progress` app events. */
  'eval.start': call<EvalRunSummary>()(EvalRunInput),
  /** Continues a paused, failed or interrupted run: finished items are kept, the rest (and failed items) run. */
  'eval.resume': call<EvalRunSummary>()(z.object({ runId: id }).strict()),
  /** Stops a run after saving what is finished; `eval.resume` continues it. */
  'eval.pause': call<EvalRunSummary>()(z.object({ runId: id }).strict()),
  'eval.runs': call<EvalRunSummary[]>()(empty),
  /** A run with a row per item. */
  'eval.run': call<EvalRunDetail>()(z.object({ runId: id }).strict()),
  /** One item of a run in full (question, context, reasoning, answer), for the reasoning inspector. */
  'eval.result': call<EvalResultDetail>()(z.object({ runId: id, itemId: z.string().min(1).max(200) }).strict()),
  /** A run's results as JSON or CSV, for a report. */
  'eval.export': call<EvalExport>()(z.object({ runId: id, format: z.enum(['json', 'csv']) }).strict()),
  'eval.removeRun': call<{ removed: boolean }>()(z.object({ runId: id }).strict()),

  /** Reads training data (a JSONL file, an evaluation run, chosen answers or inline examples), checks every example and counts its tokens with the model's chat template. */
  'train.prepare': call<TrainPreview>()(TrainPrepareInput),
  /** Memory and time of a job on this machine before it starts; `fits: false` with what to change. */
  'train.estimate': call<TrainEstimate>()(TrainEstimateInput),
  /** Prepares the data and queues an SFT job (refused with TRAIN_WONT_FIT or TRAINER_UNAVAILABLE); progress arrives as `train.progress` events. */
  'train.start': call<TrainJobSummary>()(TrainStartInput),
  /** Stops a job after its current step with a checkpoint; `train.resume` continues it. */
  'train.pause': call<TrainJobSummary>()(z.object({ jobId: id }).strict()),
  /** Continues a paused or failed job (after a crash or a restart too) from its last checkpoint. */
  'train.resume': call<TrainJobSummary>()(z.object({ jobId: id }).strict()),
  'train.cancel': call<TrainJobSummary>()(z.object({ jobId: id }).strict()),
  'train.remove': call<{ removed: boolean }>()(z.object({ jobId: id }).strict()),
  'train.jobs': call<TrainJobSummary[]>()(empty),
  /** A job with its loss series, validation losses, checkpoints and samples. */
  'train.job': call<TrainJobDetail>()(z.object({ jobId: id }).strict()),
  /** Adapters of finished jobs and imported ones, each with the base model it belongs to (load one with LoadSettings.lora). */
  'train.adapters': call<TrainedAdapter[]>()(empty),
  /**
   * Records a LoRA adapter GGUF made elsewhere (a GPU cluster's LLaMA-Factory or verl run, converted with llama.cpp's
   * convert_lora_to_gguf.py) with the base model it applies to, once it checks against that model (LORA_NOT_ADAPTER,
   * LORA_MISMATCH, or the base's MODEL_* errors). No copy: the path is recorded.
   */
  'train.importAdapter': call<TrainedAdapter>()(z.object({ path: filePath, baseModelPath: filePath }).strict()),
  /** Forgets an adapter; the file stays where it is. */
  'train.forgetAdapter': call<{ forgotten: boolean }>()(z.object({ path: filePath }).strict()),
  /** Writes a job folder for a GPU cluster: verl (GRPO) or LLaMA-Factory (SFT), DianJin-R1's settings, DianJin-R1's reward. */
  'train.export': call<TrainExportResult>()(TrainExportRequest),

  /** Memory (trainer and rollout process) and time of a GRPO job on this machine, with what to change when it will not fit. */
  'grpo.estimate': call<GrpoEstimate>()(GrpoEstimateInput),
  /** Reads and checks the GRPO data (line-numbered problems) and queues a job (refused with TRAINER_UNAVAILABLE, TRAIN_DATA_INVALID or TRAIN_WONT_FIT); progress arrives as `grpo.progress` events. */
  'grpo.start': call<GrpoJobSummary>()(GrpoStartInput),
  /** Stops a job after cutting its step's rollouts short, with a checkpoint; `grpo.resume` continues it. */
  'grpo.pause': call<GrpoJobSummary>()(z.object({ jobId: id }).strict()),
  /** Continues a paused or failed job (after a crash or a restart too) from its last checkpoint. */
  'grpo.resume': call<GrpoJobSummary>()(z.object({ jobId: id }).strict()),
  'grpo.cancel': call<GrpoJobSummary>()(z.object({ jobId: id }).strict()),
  'grpo.remove': call<{ removed: boolean }>()(z.object({ jobId: id }).strict()),
  'grpo.jobs': call<GrpoJobSummary[]>()(empty),
  /** A job with its per-step series (reward, format, accuracy, length, loss, speed) and the sampled groups of its recent steps. */
  'grpo.job': call<GrpoJobDetail>()(z.object({ jobId: id }).strict()),
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
export type CallName = { [K in MethodName]: Api[K] extends CallMethod<z.ZodType, unknown> ? K : never }[MethodName];
export type StreamName = { [K in MethodName]: Api[K] extends StreamMethod<z.ZodType, unknown, unknown> ? K : never }[MethodName];

export type InputOf<K extends MethodName> = z.input<Api[K]['input']>;
export type ParsedInputOf<K extends MethodName> = z.output<Api[K]['input']>;
export type OutputOf<K extends MethodName> = Exclude<Api[K]['output'], undefined>;
export type ChunkOf<K extends StreamName> = Exclude<Api[K]['chunk'], undefined>;

export const methodNames = Object.keys(api) as MethodName[];
export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(api, value);
}

export { AppSettings };
