/**
 * The engines an evaluation runs on. A local model gets an inference process of its own (not the chat's), so an
 * evaluation that runs for hours neither blocks nor reloads the model the analyst is chatting with, and a crash in it
 * leaves the chat alone. On the CPU both processes map the same weights file, so the pages are shared.
 */
import path from 'node:path';
import type { EvalTarget } from '../../shared/evaluation';
import type { LoadSettings } from '../../shared/records';
import type { ChatEngine, RemoteEngineTarget } from '../engines/ChatEngine';
import { InferenceHost } from '../inference/InferenceHost';
import type { SpawnInferenceProcess } from '../inference/process';
import { ModelService } from '../models/ModelService';
import { inspectLoraAdapter, loraLabel } from '../models/inspectLora';
import { inspectModelFile } from '../models/inspectModel';
import type { EvalEngine, TargetDescription } from './EvaluationService';

export interface EvalTargetsOptions {
  workerPath: string;
  spawn: SpawnInferenceProcess;
  modelsDir: string;
  totalMemoryBytes?: number;
  /** The saved load settings (threads, GPU, context size), read when a run starts. */
  loadSettings: () => LoadSettings;
  remoteEngine: (target: RemoteEngineTarget) => Promise<ChatEngine>;
}

export function evalTargets(options: EvalTargetsOptions) {
  async function describeTarget(target: EvalTarget): Promise<TargetDescription> {
    if (target.kind === 'remote') return { modelName: target.model, quantization: null, adapterName: null };
    const model = await inspectModelFile(target.modelPath, { contextSize: options.loadSettings().contextSize });
    if (target.lora) await inspectLoraAdapter(target.lora.path, model.path);
    return {
      modelName: model.name ?? path.basename(model.path, '.gguf'),
      quantization: model.quantization,
      adapterName: target.lora ? loraLabel(target.lora) : null,
    };
  }

  async function openEngine(target: EvalTarget, contextSize: number | null, signal: AbortSignal): Promise<EvalEngine> {
    if (target.kind === 'remote') {
      const engine = await options.remoteEngine({ baseUrl: target.baseUrl, model: target.model });
      return { engine, dispose: async () => undefined };
    }
    const host = new InferenceHost({ workerPath: options.workerPath, spawn: options.spawn });
    const models = new ModelService({ modelsDir: options.modelsDir, host, ...(options.totalMemoryBytes ? { totalMemoryBytes: options.totalMemoryBytes } : {}) });
    const saved = options.loadSettings();
    const load: LoadSettings = { ...saved, contextSize: contextSize ?? saved.contextSize, lora: target.lora ?? null };
    const onAbort = () => void host.dispose();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await models.ensureLoaded(target.modelPath, load);
    } catch (error) {
      await host.dispose();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return { engine: host, dispose: () => host.dispose() };
  }

  return { describeTarget, openEngine };
}
