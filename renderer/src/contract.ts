/**
 * The renderer's one door to the shared contract (electron/shared): the API declaration, records, errors and the
 * transport client. Nothing from the services side is imported anywhere else in the renderer.
 */
export {
  api as apiDeclaration,
  isMethodName,
  methodNames,
  SettingsPatch,
  type AppEvent,
  type AppInfo,
  type ChatChunk,
  type CheckedMessage,
  type EngineKeyStatus,
  type EngineTestResult,
  type MessageComparison,
  type TraceExport,
  type HostKind,
  type InferenceState,
  type InputOf,
  type InferenceStatus,
  type LoadedModelInfo,
  type MethodName,
  type ModelFileInfo,
} from '../../electron/shared/api';
export type {
  AnswerConsistency,
  CalculationCheck,
  CheckStatus,
  NumberMention,
  NumberSource,
  StepKind,
  TraceCheckResult,
  TraceInput,
  TraceStep,
} from '../../electron/shared/inspection';
export type { DianjinBridge, BridgeStream } from '../../electron/shared/bridge';
export type {
  Citation,
  DocumentFormat,
  DocumentPageView,
  DocumentSummary,
  IngestBatchResult,
  IngestFailure,
  IngestProgress,
  LocatedTable,
  SearchHit,
  SearchResult,
} from '../../electron/shared/documents';
export type {
  CatalogEntryWithFit,
  DownloadJob,
  DownloadProgress,
  DownloadResult,
  DownloadState,
  FitVerdict,
  MirrorChoice,
  ModelFitEstimate,
} from '../../electron/shared/models';
export {
  EVAL_TASKS,
  PUBLISHED_RESULTS,
  type EvalExport,
  type EvalExportFormat,
  type EvalItem,
  type EvalProgressEvent,
  type EvalResultDetail,
  type EvalResultRow,
  type EvalRunDetail,
  type EvalRunInput,
  type EvalRunStatus,
  type EvalRunSummary,
  type EvalSampling,
  type EvalSetFormat,
  type EvalSetSummary,
  type EvalTarget,
  type EvalTask,
  type EvalTaskScore,
  type PublishedResult,
} from '../../electron/shared/evaluation';
export { AppError, errorCodes, isErrorCode, serializeError, type ErrorCode, type SerializedError } from '../../electron/shared/errors';
export {
  defaultSettings,
  isHttpUrl,
  type AppSettings,
  type ConversationRecord,
  type ConversationSummary,
  type GenerationStats,
  type GpuChoice,
  type LoraAdapter,
  type MessageRecord,
  type MessageStatus,
} from '../../electron/shared/records';
export { createApiClient, type ApiClient, type ApiTransport, type Envelope, type StreamOptions } from '../../electron/shared/transport';
