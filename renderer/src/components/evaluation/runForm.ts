/**
 * The "New run" form: its fields as typed (strings, so a half-typed number stays as typed), the defaults from the
 * settings and the model list, and the check into an `eval.start` input. The rules mirror EvalRunInput in
 * electron/shared/evaluation.ts, which the service checks again.
 */
import { isHttpUrl } from '../../contract';
import type { AppSettings, EvalRunInput, EvalTarget } from '../../contract';

export interface TargetFormValues {
  kind: 'local' | 'remote';
  modelPath: string;
  /** A LoRA adapter GGUF for a local model; "" = none. */
  loraPath: string;
  loraScale: string;
  baseUrl: string;
  model: string;
}

export type SubsetChoice = 'all' | 'limit' | 'sample';

export interface RunFormValues {
  setId: string;
  target: TargetFormValues;
  temperature: string;
  topP: string;
  maxTokens: string;
  subset: SubsetChoice;
  count: string;
  seed: string;
  judgeEnabled: boolean;
  judge: TargetFormValues;
  label: string;
}

export type RunFieldError =
  | 'setRequired'
  | 'modelRequired'
  | 'urlRequired'
  | 'urlInvalid'
  | 'remoteModelRequired'
  | 'loraScaleInvalid'
  | 'temperatureInvalid'
  | 'topPInvalid'
  | 'maxTokensInvalid'
  | 'countInvalid'
  | 'seedInvalid';

export type RunFormField =
  | 'setId'
  | 'target.modelPath'
  | 'target.baseUrl'
  | 'target.model'
  | 'target.loraScale'
  | 'judge.modelPath'
  | 'judge.baseUrl'
  | 'judge.model'
  | 'judge.loraScale'
  | 'temperature'
  | 'topP'
  | 'maxTokens'
  | 'count'
  | 'seed';

export type RunFormErrors = Partial<Record<RunFormField, RunFieldError>>;

/** DianJin-R1's sampling (the paper's): temperature 0.6, top-p 0.95. */
export const defaultEvalSampling = { temperature: 0.6, topP: 0.95, maxTokens: 4096 } as const;

/** `loadedPath`: the model loaded now (given on the command line, say), when the settings name none. */
export function defaultTarget(settings: AppSettings | null, modelPaths: readonly string[], loadedPath: string | null = null): TargetFormValues {
  const modelPath = settings?.modelPath ?? loadedPath ?? modelPaths[0] ?? '';
  const remote = settings?.engine.kind === 'remote';
  return {
    kind: remote ? 'remote' : 'local',
    modelPath,
    loraPath: settings?.load.lora?.path ?? '',
    loraScale: String(settings?.load.lora?.scale ?? 1),
    baseUrl: settings?.engine.baseUrl ?? '',
    model: settings?.engine.model ?? '',
  };
}

export function defaultRunForm(settings: AppSettings | null, modelPaths: readonly string[], setIds: readonly string[], loadedPath: string | null = null): RunFormValues {
  const target = defaultTarget(settings, modelPaths, loadedPath);
  return {
    setId: setIds[0] ?? '',
    target,
    temperature: String(defaultEvalSampling.temperature),
    topP: String(defaultEvalSampling.topP),
    maxTokens: String(settings?.sampling.maxTokens ?? defaultEvalSampling.maxTokens),
    subset: 'all',
    count: '20',
    seed: '0',
    judgeEnabled: false,
    // A judge is another model; the remote engine from settings is the likeliest one.
    judge: { ...target, kind: settings?.engine.baseUrl ? 'remote' : 'local', loraPath: '', loraScale: '1' },
    label: '',
  };
}

/** A number typed in a field: null when it is not one (blank included). */
function parseNumber(raw: string): number | null {
  const text = raw.trim();
  if (!text) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function parseInteger(raw: string): number | null {
  const value = parseNumber(raw);
  return value !== null && Number.isInteger(value) ? value : null;
}

function checkTarget(values: TargetFormValues, prefix: 'target' | 'judge', errors: RunFormErrors): EvalTarget | null {
  if (values.kind === 'local') {
    const modelPath = values.modelPath.trim();
    if (!modelPath) errors[`${prefix}.modelPath`] = 'modelRequired';
    const loraPath = values.loraPath.trim();
    let lora: { path: string; scale: number } | null = null;
    if (loraPath) {
      const scale = parseNumber(values.loraScale);
      if (scale === null || scale < 0 || scale > 4) errors[`${prefix}.loraScale`] = 'loraScaleInvalid';
      else lora = { path: loraPath, scale };
    }
    if (!modelPath) return null;
    return lora ? { kind: 'local', modelPath, lora } : { kind: 'local', modelPath };
  }
  const baseUrl = values.baseUrl.trim();
  const model = values.model.trim();
  if (!baseUrl) errors[`${prefix}.baseUrl`] = 'urlRequired';
  else if (!isHttpUrl(baseUrl)) errors[`${prefix}.baseUrl`] = 'urlInvalid';
  if (!model) errors[`${prefix}.model`] = 'remoteModelRequired';
  if (!baseUrl || !isHttpUrl(baseUrl) || !model) return null;
  return { kind: 'remote', baseUrl, model };
}

/** The `eval.start` input, or the errors per field. */
export function buildRunInput(values: RunFormValues): { input: EvalRunInput; errors: null } | { input: null; errors: RunFormErrors } {
  const errors: RunFormErrors = {};
  if (!values.setId) errors.setId = 'setRequired';
  const target = checkTarget(values.target, 'target', errors);
  const judge = values.judgeEnabled ? checkTarget(values.judge, 'judge', errors) : null;

  const temperature = parseNumber(values.temperature);
  if (temperature === null || temperature < 0 || temperature > 2) errors.temperature = 'temperatureInvalid';
  const topP = parseNumber(values.topP);
  if (topP === null || topP <= 0 || topP > 1) errors.topP = 'topPInvalid';
  const maxTokens = parseInteger(values.maxTokens);
  if (maxTokens === null || maxTokens < 16 || maxTokens > 131072) errors.maxTokens = 'maxTokensInvalid';

  let count: number | null = null;
  let seed: number | null = null;
  if (values.subset !== 'all') {
    count = parseInteger(values.count);
    if (count === null || count < 1 || count > 1_000_000) errors.count = 'countInvalid';
  }
  if (values.subset === 'sample') {
    seed = parseInteger(values.seed);
    if (seed === null || seed < 0) errors.seed = 'seedInvalid';
  }

  if (Object.keys(errors).length > 0 || !target) return { input: null, errors };
  const label = values.label.trim();
  const input: EvalRunInput = {
    setId: values.setId,
    target,
    sampling: { temperature: temperature!, topP: topP!, maxTokens: maxTokens! },
    ...(values.subset === 'limit' ? { limit: count! } : {}),
    ...(values.subset === 'sample' ? { sample: { size: count!, seed: seed! } } : {}),
    ...(judge ? { judge } : {}),
    ...(label ? { label } : {}),
  };
  return { input, errors: null };
}
