/**
 * Where a GRPO job samples its groups: an inference process of its own with the base model loaded without an adapter
 * (the runner passes the adapter being trained with each group request), so a job that runs for hours neither blocks
 * nor reloads the model the analyst chats with, and a crash in it leaves the chat alone (as evaluation's targets).
 */
import type { LoadSettings } from '../../../shared/records';
import { InferenceHost } from '../../inference/InferenceHost';
import type { SpawnInferenceProcess } from '../../inference/process';
import { ModelService } from '../../models/ModelService';
import type { GenerateGroup } from './GrpoRunner';

export interface GrpoRollouts {
  generateGroup: GenerateGroup;
  dispose(): Promise<void>;
}

export interface OpenRolloutsOptions {
  /** The main context's size (group rollouts make a context of their own, sized for the group). */
  contextSize: number;
  /** 0 = the saved setting. */
  threads: number;
  signal: AbortSignal;
}

export type OpenRollouts = (modelPath: string, options: OpenRolloutsOptions) => Promise<GrpoRollouts>;

export interface GrpoRolloutsOptions {
  workerPath: string;
  spawn: SpawnInferenceProcess;
  modelsDir: string;
  totalMemoryBytes?: number;
  /** The saved load settings (threads, GPU), read when a job starts. */
  loadSettings: () => LoadSettings;
}

export function grpoRollouts(options: GrpoRolloutsOptions): OpenRollouts {
  return async (modelPath, { contextSize, threads, signal }) => {
    // maxCrashes 0: a crash fails the job (resume continues from its checkpoint) instead of being retried behind it.
    // A terminal's Ctrl-C pauses the job (a checkpoint after the step in flight): the rollout process must not die of it.
    const spawn: SpawnInferenceProcess = (workerPath, env) => options.spawn(workerPath, { ...env, DIANJIN_IGNORE_SIGINT: '1' });
    const host = new InferenceHost({ workerPath: options.workerPath, spawn, maxCrashes: 0 });
    const models = new ModelService({ modelsDir: options.modelsDir, host, ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}) });
    const saved = options.loadSettings();
    const load: LoadSettings = { ...saved, threads: threads > 0 ? threads : saved.threads, contextSize: Math.max(256, contextSize), lora: null };
    const onAbort = () => void host.dispose();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await models.ensureLoaded(modelPath, load);
    } catch (error) {
      await host.dispose();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return {
      generateGroup: (turns, sampling, n, { lora, signal: groupSignal }) => host.generateGroup(turns, sampling, n, { lora, signal: groupSignal }),
      dispose: () => host.dispose(),
    };
  };
}
