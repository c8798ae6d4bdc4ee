import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GrpoConfig, type GrpoEstimate } from '../../../contract';
import { grpoStore, useGrpo } from '../../../stores';
import { adaptersFor } from '../../../stores/grpo';
import { ErrorMessage } from '../../common/ErrorMessage';
import { Icon } from '../../common/Icon';
import { trainSetAccept } from '../DataSection';
import { EstimateBox, estimateFigures } from '../EstimateBox';
import { NumberInput, schemaParser } from '../NumberInput';
import { JobNameField, ModelSelect, PromptStyleSelect, SettingsFrame } from '../SettingsForm';
import { RewardEditor } from './RewardEditor';
import { StartRow } from '../StartRow';

type NumericKey = 'group' | 'promptsPerStep' | 'steps' | 'temperature' | 'topP' | 'maxTokens' | 'lr' | 'rank' | 'alpha' | 'beta' | 'contextLength' | 'checkpointEvery' | 'seed';

/** The bounds GrpoConfig declares, for the message under a value out of them (the schema itself checks). */
const bounds: Record<NumericKey, { min: number; max: number; step: string }> = {
  group: { min: 2, max: 64, step: '1' },
  promptsPerStep: { min: 1, max: 64, step: '1' },
  steps: { min: 1, max: 100_000, step: '1' },
  temperature: { min: 0.05, max: 2, step: '0.05' },
  topP: { min: 0, max: 1, step: '0.05' },
  maxTokens: { min: 1, max: 32768, step: '64' },
  lr: { min: 0, max: 1, step: '0.000001' },
  rank: { min: 1, max: 256, step: '1' },
  alpha: { min: 0, max: 1024, step: '1' },
  beta: { min: 0, max: 10, step: '0.001' },
  contextLength: { min: 64, max: 65536, step: '128' },
  checkpointEvery: { min: 1, max: 10_000, step: '1' },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER, step: '1' },
};

type HelpedKey = 'group' | 'maxTokens' | 'beta' | 'contextLength';
const helped = (field: NumericKey): field is HelpedKey => ['group', 'maxTokens', 'beta', 'contextLength'].includes(field);

function Field({ field }: { field: NumericKey }) {
  const { t } = useTranslation();
  const value = useGrpo((s) => s.config[field]);
  const { min, max, step } = bounds[field];
  return (
    <NumberInput
      label={t(`grpo.settings.fields.${field}`)}
      help={helped(field) ? t(`grpo.settings.help.${field}`) : undefined}
      value={value}
      parse={schemaParser(GrpoConfig.shape[field])}
      invalidMessage={t('grpo.settings.range', { min, max })}
      step={step}
      testId={`grpo-config-${field}`}
      onValue={(v) => grpoStore.getState().setConfig({ [field]: v })}
      onValidity={(valid) => grpoStore.getState().setFieldInvalid(field, !valid)}
    />
  );
}

function DataFile() {
  const { t } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);
  const data = useGrpo((s) => s.data);
  const uploading = useGrpo((s) => s.uploading);
  const uploadError = useGrpo((s) => s.uploadError);
  return (
    <fieldset className="eval-fieldset" data-testid="grpo-data">
      <legend>{t('grpo.data.title')}</legend>
      <input
        ref={inputRef}
        type="file"
        accept={trainSetAccept}
        hidden
        data-testid="grpo-file-input"
        aria-label={t('grpo.data.chooseFile')}
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared so choosing the same file again (after fixing it) fires a change.
          e.target.value = '';
          if (file) void grpoStore.getState().chooseFile(file);
        }}
      />
      <div className="train-row">
        <button type="button" className="button" data-testid="grpo-choose-file" disabled={uploading} onClick={() => inputRef.current?.click()}>
          <Icon name="file" size={14} /> {uploading ? t('grpo.data.uploading') : t('grpo.data.chooseFile')}
        </button>
        {data ? (
          <span className="train-file-name" data-testid="grpo-file-name" title={data.path}>
            {data.fileName}
          </span>
        ) : (
          <span className="muted">{t('grpo.data.fileHint')}</span>
        )}
      </div>
      <p className="field-help">{t('grpo.data.format')}</p>
      {uploadError && <ErrorMessage error={uploadError} onDismiss={() => grpoStore.getState().clearData()} />}
    </fieldset>
  );
}

/** The GRPO estimate in SFT's box: the trainer's parts, then the rollout process's; a speed for each. */
function Estimate() {
  const { t } = useTranslation();
  const estimate = useGrpo((s) => s.estimate);
  const data: GrpoEstimate | null = estimate?.data ?? null;
  const figures =
    data &&
    estimateFigures(
      t,
      data,
      [
        { key: 'rollout', label: t('grpo.estimate.rolloutSpeed'), tokensPerSecond: data.rolloutTokensPerSecond, source: data.rolloutSpeedSource },
        { key: 'train', label: t('grpo.estimate.trainSpeed'), tokensPerSecond: data.trainTokensPerSecond, source: data.trainSpeedSource },
      ],
      [
        ...(data.memory.referenceBytes > 0 ? [{ key: 'referenceBytes', label: t('grpo.estimate.parts.referenceBytes'), bytes: data.memory.referenceBytes }] : []),
        { key: 'rolloutModelBytes', label: t('grpo.estimate.parts.rolloutModelBytes'), bytes: data.memory.rolloutModelBytes },
        { key: 'rolloutContextBytes', label: t('grpo.estimate.parts.rolloutContextBytes', { group: data.config.group, size: data.rolloutContextSize }), bytes: data.memory.rolloutContextBytes },
      ],
    );
  return (
    <>
      <EstimateBox testIdPrefix="grpo" status={estimate?.status ?? null} error={estimate?.error ?? null} figures={figures} timeUnknown={t('training.estimate.timeUnknown')} />
      {data && <p className="field-help">{t('grpo.estimate.timeHelp')}</p>}
    </>
  );
}

/** GRPO's data, model (with an SFT adapter to start from), DianJin-R1's settings, the reward, and Start. */
export function GrpoSettings({ onStarted }: { onStarted?: (jobId: string) => void }) {
  const { t } = useTranslation();
  const modelPath = useGrpo((s) => s.modelPath);
  const initAdapter = useGrpo((s) => s.initAdapter);
  const adapters = useGrpo((s) => s.adapters);
  const promptStyle = useGrpo((s) => s.config.promptStyle);
  const name = useGrpo((s) => s.name);
  const data = useGrpo((s) => s.data);
  const invalid = useGrpo((s) => s.invalidFields);
  const starting = useGrpo((s) => s.starting);
  const startError = useGrpo((s) => s.startError);
  // The last answer counts while the next loads (it is refetched on every change): no Start in between.
  const wontFit = useGrpo((s) => s.estimate?.data?.fits === false);
  const [resetKey, setResetKey] = useState(0);
  const adapterId = useId();

  const usable = adaptersFor(adapters, modelPath);
  const blocked = !modelPath ? 'noModel' : !data ? 'noData' : invalid.length > 0 ? 'invalid' : wontFit ? 'wontFit' : null;

  const start = async () => {
    const job = await grpoStore.getState().start();
    if (job) onStarted?.(job.id);
  };

  return (
    <SettingsFrame
      testIdPrefix="grpo"
      title={t('grpo.settings.title')}
      resetLabel={t('grpo.settings.reset')}
      onReset={() => {
        grpoStore.getState().resetConfig();
        setResetKey((k) => k + 1);
      }}
    >
      <p className="muted">{t('grpo.intro')}</p>
      <DataFile />
      <div className="eval-form" key={resetKey}>
        <div className="eval-form-grid">
          <ModelSelect label={t('grpo.settings.model')} noModels={t('grpo.settings.noModels')} testId="grpo-model" value={modelPath} onChange={(path) => grpoStore.getState().setModel(path)} />
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={adapterId}>
              {t('grpo.settings.initAdapter')}
            </label>
            <select id={adapterId} className="input" value={initAdapter} data-testid="grpo-init-adapter" onChange={(e) => grpoStore.getState().setInitAdapter(e.target.value)}>
              <option value="">{t('grpo.settings.noAdapter')}</option>
              {usable.map((a) => (
                <option key={a.path} value={a.path} title={a.path}>
                  {a.name}
                </option>
              ))}
            </select>
            <p className="field-help">{usable.length > 0 ? t('grpo.settings.initAdapterHelp') : t('grpo.settings.noAdapters')}</p>
          </div>
          <JobNameField label={t('grpo.settings.name')} placeholder={t('grpo.settings.namePlaceholder')} testId="grpo-name" value={name} onChange={(value) => grpoStore.getState().setName(value)} />
        </div>

        <fieldset className="eval-fieldset">
          <legend>{t('grpo.settings.sampling')}</legend>
          <div className="eval-form-grid">
            <Field field="group" />
            <Field field="promptsPerStep" />
            <Field field="steps" />
            <Field field="temperature" />
            <Field field="topP" />
            <Field field="maxTokens" />
            <PromptStyleSelect label={t('grpo.settings.promptStyle')} testId="grpo-prompt-style" value={promptStyle} onChange={(style) => grpoStore.getState().setConfig({ promptStyle: style })} />
          </div>
        </fieldset>

        <fieldset className="eval-fieldset">
          <legend>{t('grpo.settings.update')}</legend>
          <div className="eval-form-grid">
            <Field field="lr" />
            <Field field="beta" />
            <Field field="rank" />
            <Field field="alpha" />
            <Field field="contextLength" />
            <Field field="checkpointEvery" />
            <Field field="seed" />
          </div>
        </fieldset>

        <RewardEditor />
      </div>

      <Estimate />

      <StartRow
        testIdPrefix="grpo"
        blocked={blocked ? t(`grpo.settings.blocked.${blocked}`) : null}
        starting={starting}
        startLabel={t('grpo.settings.start')}
        startingLabel={t('grpo.settings.starting')}
        error={startError}
        onDismissError={() => grpoStore.getState().clearStartError()}
        onStart={() => void start()}
      />
    </SettingsFrame>
  );
}
