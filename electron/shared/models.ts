/**
 * Types of the model library (catalog, fit estimate, downloads, known models) shared by the services, the API
 * declaration and the renderer. Runtime-neutral: types only.
 */

export interface CatalogEntry {
  id: string;
  name: string;
  kind: 'chat' | 'embedding';
  family: string;
  parameters: number;
  quantization: string;
  contextLength: number;
  licence: string;
  sourcePage: string;
  /** A Hugging Face `resolve/main/...` URL (rewritten for the chosen mirror when downloading). */
  downloadUrl: string;
  fileName: string;
  /** null until filled from the hub's metadata (see models/README.md). */
  sizeBytes: number | null;
  /** null when not verified: the downloader then asks the user to confirm or give a hash. */
  sha256: string | null;
  verified: boolean;
  architecture: { layers: number; kvHeads: number; headDim: number };
  baseModel?: string;
}

export type FitVerdict = 'gpu-full' | 'gpu-partial' | 'cpu-only' | 'does-not-fit';

/** How a model would run on this machine at a context size. */
export interface ModelFitEstimate {
  verdict: FitVerdict;
  /** Layers that would be offloaded to the GPU, of `totalLayers`. */
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  /** Bytes of RAM and VRAM the model and its context would use. */
  ramBytes: number;
  vramBytes: number;
  /** Expected generation speed when running (mostly) on the CPU; null when on the GPU or not fitting. */
  cpuTokensPerSecond: number | null;
  /** True when the model size is estimated from parameters × bits per weight (unverified catalog entry). */
  approximate: boolean;
  /** One plain sentence: "Fits fully on the GPU", "Partial offload: 20 of 28 layers", "CPU only, ~6 tok/s expected", … */
  summary: string;
}

export interface CatalogEntryWithFit extends CatalogEntry {
  fit: ModelFitEstimate;
  /** Local path when this entry was already downloaded. */
  localPath: string | null;
}

export type DownloadState = 'queued' | 'downloading' | 'paused' | 'verifying' | 'completed' | 'failed' | 'cancelled';

/** A download job as persisted (survives restarts) and listed. */
export interface DownloadJob {
  id: string;
  /** The URL as asked for (before the mirror rewrite). */
  url: string;
  /** Final file path; the data goes to `${path}.partial` until verified. */
  path: string;
  /** Expected SHA-256 (lower-case hex), null when unverified (the user confirmed). */
  sha256: string | null;
  state: DownloadState;
  bytes: number;
  total: number | null;
  /** ETag / Last-Modified of the first response, sent back as If-Range on resume. */
  validator: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface DownloadProgress {
  id: string;
  state: DownloadState;
  bytes: number;
  total: number | null;
  /** Bytes per second over the last few seconds. */
  bytesPerSecond: number;
  /** Seconds left at the current speed; null when unknown. */
  etaSeconds: number | null;
  path: string;
}

export interface DownloadResult {
  id: string;
  path: string;
  sha256: string;
  /** False when no expected hash was known (the user confirmed an unverified download). */
  verified: boolean;
  sizeBytes: number;
}

export type MirrorChoice = 'huggingface' | 'hf-mirror' | 'modelscope' | { custom: string };

/** A model file the app knows about outside (or inside) the models folder. */
export interface KnownModel {
  path: string;
  /** 'imported' files are never deleted by remove, only forgotten (unless they sit in the models folder). */
  origin: 'imported' | 'downloaded';
  addedAt: string;
  /** The catalog entry it was downloaded for, when any. */
  catalogId?: string;
}
