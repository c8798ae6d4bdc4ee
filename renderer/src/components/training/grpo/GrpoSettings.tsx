import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GrpoConfig, type GrpoEstimate, type PromptStyle } from '../../../contract';
import { grpoStore, useGrpo, useModels } from '../../../stores';
import { adaptersFor } from '../../../stores/grpo';
import { baseName } from '../../../lib/format';
import { ErrorMessage } from '../../common/ErrorMessage';
import { Icon } from '../../common/Icon';
import { trainSetAccept } from '../DataSection';
import { EstimateBox, type EstimateFigures } from '../EstimateBox';
import { NumberInput, schemaParser } from '../NumberInput';
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
  const figures: EstimateFigures | null = data && {
    totalBytes: data.memory.totalBytes,
    availableBytes: data.availableBytes,
    fits: data.fits,
    parts: [
      ...(['modelBytes', 'loraBytes', 'activationBytes', 'attentionBytes', 'otherBytes'] as const).map((key) => ({ key, label: t(`training.estimate.parts.${key}`), bytes: data.memory[key] })),
      ...(data.memory.referenceBytes > 0 ? [{ key: 'referenceBytes', label: t('grpo.estimate.parts.referenceBytes'), bytes: data.memory.referenceBytes }] : []),
      { key: 'rolloutModelBytes', label: t('grpo.estimate.parts.rolloutModelBytes'), bytes: data.memory.rolloutModelBytes },
      { key: 'rolloutContextBytes', label: t('grpo.estimate.parts.rolloutContextBytes', { group: data.config.group, size: data.rolloutContextSize }), bytes: data.memory.rolloutContextBytes },
    ],
    seconds: data.seconds,
    speeds: [
      { key: 'rollout', label: t('grpo.estimate.rolloutSpeed'), tokensPerSecond: data.rolloutTokensPerSecond, source: data.rolloutSpeedSource },
      { key: 'train', label: t('grpo.estimate.trainSpeed'), tokensPerSecond: data.trainTokensPerSecond, source: data.trainSpeedSource },
    ],
    trainableParams: data.trainableParams,
    totalTokens: data.totalTokens,
    advice: data.advice,
  };
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
  const files = useModels((s) => s.files);
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
  const modelId = useId();
  const adapterId = useId();
  const nameId = useId();
  const styleId = useId();

  const paths = files.map((f) => f.path);
  const options = modelPath && !paths.includes(modelPath) ? [modelPath, ...paths] : paths;
  const usable = adaptersFor(adapters, modelPath);
  const blocked = !modelPath ? 'noModel' : !data ? 'noData' : invalid.length > 0 ? 'invalid' : wontFit ? 'wontFit' : null;

  const start = async () => {
    const job = await grpoStore.getState().start();
    if (job) onStarted?.(job.id);
  };

  return (
    <section className="eval-section" aria-labelledby="grpo-settings-title" data-testid="grpo-settings">
      <div className="eval-section-header">
        <h3 id="grpo-settings-title">{t('grpo.settings.title')}</h3>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            grpoStore.getState().resetConfig();
            setResetKey((k) => k + 1);
          }}
        >
          {t('grpo.settings.reset')}
        </button>
      </div>
      <p className="muted">{t('grpo.intro')}</p>
      <DataFile />
      <div className="eval-form" key={resetKey}>
        <div className="eval-form-grid">
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={modelId}>
              {t('grpo.settings.model')}
            </label>
            <select id={modelId} className="input" value={modelPath} data-testid="grpo-model" onChange={(e) => grpoStore.getState().setModel(e.target.value)}>
              {options.length === 0 && <option value="">{t('grpo.settings.noModels')}</option>}
              {options.map((path) => {
                const file = files.find((f) => f.path === path);
                const label = file ? [file.fileName, file.quantization].filter(Boolean).join(' · ') : baseName(path);
                return (
                  <option key={path} value={path} title={path}>
                    {label}
                  </option>
                );
              })}
            </select>
          </div>
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
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={nameId}>
              {t('grpo.settings.name')}
            </label>
            <input id={nameId} className="input" value={name} placeholder={t('grpo.settings.namePlaceholder')} data-testid="grpo-name" onChange={(e) => grpoStore.getState().setName(e.target.value)} />
          </div>
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
            <div className="eval-field">
              <label className="field-label" htmlFor={styleId}>
                {t('grpo.settings.promptStyle')}
              </label>
              <select id={styleId} className="input" value={promptStyle} data-testid="grpo-prompt-style" onChange={(e) => grpoStore.getState().setConfig({ promptStyle: e.target.value as PromptStyle })}>
                <option value="dianjin">{t('training.settings.styles.dianjin')}</option>
                <option value="chat">{t('training.settings.styles.chat')}</option>
              </select>
            </div>
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
    </section>
  );
}
