import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LORA_TARGETS, type SftConfig } from '../../contract';
import { trainingStore, useTraining } from '../../stores';
import { toDataSource } from '../../stores/training';
import { EstimateBox, estimateFigures } from './EstimateBox';
import { NumberInput } from './NumberInput';
import { JobNameField, ModelSelect, PromptStyleSelect, SettingsFrame } from './SettingsForm';
import { StartRow } from './StartRow';

type NumericKey = 'rank' | 'alpha' | 'lr' | 'epochs' | 'steps' | 'contextLength' | 'validationShare' | 'gradAccumulation';

interface NumericRule {
  min: number;
  max: number;
  integer: boolean;
  /** Whether the lower bound itself is allowed (learning rate and alpha must be above 0). */
  minInclusive?: boolean;
}

/** The same bounds as SftConfig in electron/shared/training.ts (the service checks again). */
export const numericRules: Record<NumericKey, NumericRule> = {
  rank: { min: 1, max: 512, integer: true },
  alpha: { min: 0, max: 100_000, integer: false, minInclusive: false },
  lr: { min: 0, max: 1, integer: false, minInclusive: false },
  epochs: { min: 1, max: 1000, integer: true },
  steps: { min: 0, max: 10_000_000, integer: true },
  contextLength: { min: 32, max: 131_072, integer: true },
  validationShare: { min: 0, max: 0.5, integer: false },
  gradAccumulation: { min: 1, max: 1024, integer: true },
};

/** A typed value, or null when it is not one within the rule. */
export function parseField(text: string, rule: NumericRule): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return null;
  if (rule.integer && !Number.isInteger(value)) return null;
  if (rule.minInclusive === false ? value <= rule.min : value < rule.min) return null;
  if (value > rule.max) return null;
  return value;
}

/** A field of the config; the store gets its value once it is valid. */
function NumberField({ field, label, help, step }: { field: NumericKey; label: string; help?: string; step: string }) {
  const { t } = useTranslation();
  const value = useTraining((s) => s.config[field]);
  const rule = numericRules[field];
  return (
    <NumberInput
      label={label}
      help={help}
      value={value}
      parse={(typed) => parseField(typed, rule)}
      invalidMessage={t('training.settings.range', { min: rule.min, max: rule.max })}
      step={step}
      testId={`train-config-${field}`}
      onValue={(parsed) => trainingStore.getState().setConfig({ [field]: parsed } as Partial<SftConfig>)}
      onValidity={(valid) => trainingStore.getState().setFieldInvalid(field, !valid)}
    />
  );
}

/** The SFT estimate in the shared box: the trainer's memory by part, one speed. */
function Estimate() {
  const { t } = useTranslation();
  const estimate = useTraining((s) => s.estimate);
  const data = estimate?.data ?? null;
  const figures = data && estimateFigures(t, data, [{ key: 'train', label: t('training.estimate.speed'), tokensPerSecond: data.tokensPerSecond, source: data.speedSource }]);
  return <EstimateBox testIdPrefix="train" status={estimate?.status ?? null} error={estimate?.error ?? null} figures={figures} timeUnknown={t('training.estimate.timeUnknown')} />;
}

/** The job's settings (defaults from defaultSftConfig), the live estimate, and Start. */
export function SettingsSection({ onStarted }: { onStarted?: (jobId: string) => void }) {
  const { t } = useTranslation();
  const modelPath = useTraining((s) => s.modelPath);
  const config = useTraining((s) => s.config);
  const name = useTraining((s) => s.name);
  const source = useTraining((s) => s.source);
  const preview = useTraining((s) => s.preview);
  const estimate = useTraining((s) => s.estimate);
  const invalid = useTraining((s) => s.invalidFields);
  const starting = useTraining((s) => s.starting);
  const startError = useTraining((s) => s.startError);
  const [resetKey, setResetKey] = useState(0);
  const scheduleId = useId();

  const hasData = toDataSource(source) !== null;
  const previewBlocks = preview?.status === 'error' || (preview?.status === 'ready' && preview.data?.usable === 0);
  // The last answer counts while the next loads (it is refetched on every change): no Start in between.
  const wontFit = estimate?.data?.fits === false;
  const blocked = !modelPath ? 'noModel' : !hasData ? 'noData' : previewBlocks ? 'badData' : invalid.length > 0 ? 'invalid' : wontFit ? 'wontFit' : null;

  const start = async () => {
    const job = await trainingStore.getState().start();
    if (job) onStarted?.(job.id);
  };

  return (
    <SettingsFrame
      testIdPrefix="train"
      title={t('training.settings.title')}
      resetLabel={t('training.settings.reset')}
      onReset={() => {
        trainingStore.getState().resetConfig();
        setResetKey((k) => k + 1); // the remounted fields report themselves valid on leaving (useValidOnLeave)
      }}
    >
      <div className="train-settings-layout">
        <div className="eval-form" key={resetKey}>
          <div className="eval-form-grid">
            <ModelSelect label={t('training.settings.model')} noModels={t('training.settings.noModels')} help={t('training.settings.modelHelp')} testId="train-model" value={modelPath} onChange={(path) => trainingStore.getState().setModel(path)} />
            <JobNameField label={t('training.settings.name')} placeholder={t('training.settings.namePlaceholder')} testId="train-name" value={name} onChange={(value) => trainingStore.getState().setName(value)} />
          </div>

          <fieldset className="eval-fieldset">
            <legend>{t('training.settings.lora')}</legend>
            <div className="eval-form-grid">
              <NumberField field="rank" label={t('training.settings.rank')} step="1" />
              <NumberField field="alpha" label={t('training.settings.alpha')} step="1" help={t('training.settings.alphaHelp')} />
            </div>
            <fieldset className="train-targets">
              <legend>{t('training.settings.targets')}</legend>
              {LORA_TARGETS.map((target) => (
                <label key={target} className="eval-check">
                  <input
                    type="checkbox"
                    checked={config.targets.includes(target)}
                    // At least one module is trained.
                    disabled={config.targets.length === 1 && config.targets.includes(target)}
                    onChange={(e) =>
                      trainingStore.getState().setConfig({ targets: e.target.checked ? LORA_TARGETS.filter((x) => x === target || config.targets.includes(x)) : config.targets.filter((x) => x !== target) })
                    }
                  />
                  <span className="eval-mono">{target}</span>
                  <span className="muted">{t(`training.settings.targetNames.${target}`)}</span>
                </label>
              ))}
            </fieldset>
          </fieldset>

          <fieldset className="eval-fieldset">
            <legend>{t('training.settings.optimizer')}</legend>
            <div className="eval-form-grid">
              <NumberField field="lr" label={t('training.settings.lr')} step="0.00001" />
              <div className="eval-field">
                <label className="field-label" htmlFor={scheduleId}>
                  {t('training.settings.schedule')}
                </label>
                <select id={scheduleId} className="input" value={config.lrSchedule} onChange={(e) => trainingStore.getState().setConfig({ lrSchedule: e.target.value as SftConfig['lrSchedule'] })}>
                  {(['cosine', 'linear', 'constant'] as const).map((s) => (
                    <option key={s} value={s}>
                      {t(`training.settings.schedules.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
              <NumberField field="epochs" label={t('training.settings.epochs')} step="1" />
              <NumberField field="steps" label={t('training.settings.steps')} step="1" help={t('training.settings.stepsHelp')} />
              <NumberField field="contextLength" label={t('training.settings.contextLength')} step="256" help={t('training.settings.contextHelp')} />
              <NumberField field="gradAccumulation" label={t('training.settings.gradAccumulation')} step="1" />
              <NumberField field="validationShare" label={t('training.settings.validationShare')} step="0.05" help={t('training.settings.validationHelp')} />
              <PromptStyleSelect label={t('training.settings.promptStyle')} value={config.promptStyle} onChange={(promptStyle) => trainingStore.getState().setConfig({ promptStyle })} />
            </div>
            <label className="eval-check">
              <input type="checkbox" checked={config.gpu} onChange={(e) => trainingStore.getState().setConfig({ gpu: e.target.checked })} />
              {t('training.settings.gpu')}
            </label>
          </fieldset>
        </div>
        <Estimate />
      </div>

      <StartRow
        testIdPrefix="train"
        blocked={blocked ? t(`training.settings.blocked.${blocked}`) : null}
        starting={starting}
        startLabel={t('training.settings.start')}
        startingLabel={t('training.settings.starting')}
        error={startError}
        onDismissError={() => trainingStore.getState().clearStartError()}
        onStart={() => void start()}
      />
    </SettingsFrame>
  );
}
