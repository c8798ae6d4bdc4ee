/**
 * Using a finished job's adapter (SFT or GRPO: both write a whole adapter for their base model): in the chat (the base model with the adapter at scale 1, through the load
 * settings, as Settings applies a LoRA), and evaluated against its base (two runs of the same set, opened side by side
 * in the evaluation view's comparison).
 */
import type { EvalRunInput, SerializedError, TrainJobSummary } from '../../contract';
import { appStore, evaluationStore, modelsStore, settingsStore } from '../../stores';
import { defaultEvalSampling } from '../evaluation/runForm';

/** Loads the job's base model with its adapter for the chat; resolves with the refusal when there is one. */
export async function loadAdapterInChat(job: Pick<TrainJobSummary, 'modelPath' | 'outPath'>): Promise<SerializedError | null> {
  const settings = settingsStore.getState();
  // The base and its adapter in one patch: a loaded model reloads with both (the settings service's load change).
  const ok = await settings.update({ modelPath: job.modelPath, load: { lora: { path: job.outPath, scale: 1 } } });
  if (!ok) return settingsStore.getState().saveError;
  const loaded = appStore.getState().status?.model?.path ?? null;
  if (loaded === null) {
    const selected = await modelsStore.getState().select(job.modelPath);
    if (!selected) return modelsStore.getState().selectError?.error ?? null;
  }
  appStore.getState().setView('chat');
  return null;
}

/** The two runs: the base alone and the base with the adapter, with DianJin-R1's sampling. */
export function comparisonRuns(job: Pick<TrainJobSummary, 'modelPath' | 'outPath' | 'modelName' | 'name'>, setId: string, maxTokens: number = defaultEvalSampling.maxTokens): [EvalRunInput, EvalRunInput] {
  const sampling = { temperature: defaultEvalSampling.temperature, topP: defaultEvalSampling.topP, maxTokens };
  return [
    { setId, target: { kind: 'local', modelPath: job.modelPath }, sampling, label: `${job.modelName} (base)` },
    { setId, target: { kind: 'local', modelPath: job.modelPath, lora: { path: job.outPath, scale: 1 } }, sampling, label: job.name },
  ];
}

/**
 * Starts both runs and opens the evaluation view with them ticked for the comparison chart. Without a set id the
 * bundled sample set is added (or reused) first. Resolves with the refusal when a run could not start.
 */
export async function evaluateAgainstBase(job: Pick<TrainJobSummary, 'modelPath' | 'outPath' | 'modelName' | 'name'>, setId: string | null, maxTokens?: number): Promise<SerializedError | null> {
  const evaluation = evaluationStore.getState();
  let id = setId;
  if (!id) {
    const sample = evaluation.sets.find((s) => s.format === 'sample') ?? (await evaluation.addSample());
    if (!sample) return evaluationStore.getState().importError;
    id = sample.id;
  }
  const [baseInput, adapterInput] = comparisonRuns(job, id, maxTokens);
  const base = await evaluation.start(baseInput);
  if (!base) return evaluationStore.getState().startError;
  const tuned = await evaluationStore.getState().start(adapterInput);
  if (!tuned) return evaluationStore.getState().startError;
  evaluationStore.getState().compareOnly([base.id, tuned.id]);
  appStore.getState().setView('evaluation');
  return null;
}
