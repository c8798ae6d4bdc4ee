import { useState, type FormEvent, type ReactNode } from 'react';
import { ShortcutList } from '../common/ShortcutList';
import { useTranslation } from 'react-i18next';
import { isErrorCode, type AppSettings } from '../../contract';
import { host, pickModelFile } from '../../api';
import { errorText } from '../../i18n';
import { appStore, settingsStore, useApp, useSettings } from '../../stores';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { BuildMeaningIndexButton, MeaningIndexCoverage, MeaningIndexPanel } from '../library/MeaningIndex';
import { EngineSection } from './EngineSection';
import { reportSearchSectionId } from './openReportSearchSettings';
import { buildPatch, errorsFromSaveError, formFromSettings, isEmbeddingModelErrorCode, type FieldError, type FieldErrors, type SettingsFormValues } from './settingsForm';

function useFieldErrorText() {
  const { t } = useTranslation();
  return (error: FieldError | undefined): string | null => {
    if (!error) return null;
    switch (error.kind) {
      case 'number':
        return t('settings.fieldInvalid.number');
      case 'integer':
        return t('settings.fieldInvalid.integer');
      case 'range':
        return t('settings.fieldInvalid.range', { min: error.min, max: error.max });
      case 'topP':
        return t('settings.fieldInvalid.topP');
      case 'server':
        return error.message || t('errors.INVALID_INPUT');
      case 'code':
        // Said for the embedding model: the general messages for these codes speak of the chat model.
        if (isEmbeddingModelErrorCode(error.code)) return t(`settings.embeddingErrors.${error.code}`);
        return isErrorCode(error.code) ? errorText(t, { code: error.code }) : error.message;
    }
  };
}

function Field({ id, label, help, error, children }: { id: string; label: string; help?: string; error?: string | null; children: ReactNode }) {
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="field-control">
        {children}
        {error && (
          <div className="field-error" role="alert" data-testid={`${id}-error`}>
            {error}
          </div>
        )}
        {help && <div className="field-help">{help}</div>}
      </div>
    </div>
  );
}

/**
 * "Report search": the GGUF embedding model for meaning search (saved with the form), and building the meaning
 * index with the saved one.
 */
function ReportSearchSection({ value, saved, error, onChange }: { value: string; saved: string | null; error: string | null; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const unsaved = (value.trim() || null) !== saved;
  const choose = async () => {
    const path = await pickModelFile?.();
    if (path) onChange(path);
  };
  return (
    <section className="settings-section" id={reportSearchSectionId} data-testid="settings-report-search">
      <h3>{t('settings.sections.reportSearch')}</h3>
      <p className="field-help">{t('settings.embeddingModelHelp')}</p>
      <Field id="settings-embedding-model" label={t('settings.embeddingModel')} help={t('settings.embeddingModelChangeNote')} error={error}>
        <div className="inline-field">
          <input
            id="settings-embedding-model"
            className="input"
            data-testid="settings-embedding-model"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder={t('settings.embeddingModelPlaceholder')}
            value={value}
            aria-invalid={error ? true : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
          {pickModelFile && (
            <button type="button" className="button" data-testid="settings-embedding-model-choose" title={t('settings.embeddingModelChooseTooltip')} onClick={() => void choose()}>
              {t('settings.embeddingModelChoose')}
            </button>
          )}
          <button
            type="button"
            className="button"
            data-testid="settings-embedding-model-clear"
            title={t('settings.embeddingModelClearTooltip')}
            disabled={value === ''}
            onClick={() => onChange('')}
          >
            {t('settings.embeddingModelClear')}
          </button>
        </div>
      </Field>
      <div className="meaning-index-actions">
        <BuildMeaningIndexButton blockedBy={unsaved ? t('settings.embeddingSaveFirst') : null} />
        {unsaved && value.trim() ? <span className="field-help">{t('settings.embeddingSaveFirst')}</span> : <MeaningIndexCoverage />}
      </div>
      <MeaningIndexPanel />
    </section>
  );
}

function AppearanceSection({ settings }: { settings: AppSettings }) {
  const { t } = useTranslation();
  // Appearance applies at once; no need to press Save.
  return (
    <section className="settings-section">
      <h3>{t('settings.sections.appearance')}</h3>
      <Field id="settings-theme" label={t('settings.theme')}>
        <div className="segmented" role="radiogroup" aria-label={t('settings.theme')} data-testid="settings-theme">
          {(['system', 'light', 'dark'] as const).map((theme) => (
            <button
              key={theme}
              type="button"
              role="radio"
              aria-checked={settings.theme === theme}
              className={settings.theme === theme ? 'is-active' : ''}
              data-value={theme}
              onClick={() => void settingsStore.getState().update({ theme })}
            >
              {t(`settings.themeOptions.${theme}`)}
            </button>
          ))}
        </div>
      </Field>
      <Field id="settings-language" label={t('settings.language')}>
        <select
          id="settings-language"
          className="input"
          data-testid="settings-language"
          value={settings.language}
          onChange={(e) => void settingsStore.getState().update({ language: e.target.value as AppSettings['language'] })}
        >
          {(['system', 'en', 'zh-CN'] as const).map((language) => (
            <option key={language} value={language}>
              {t(`settings.languageOptions.${language}`)}
            </option>
          ))}
        </select>
      </Field>
    </section>
  );
}

function AboutSection() {
  const { t } = useTranslation();
  const info = useApp((s) => s.info);
  return (
    <section className="settings-section">
      <h3>{t('shortcuts.title')}</h3>
      <ShortcutList />
      <h3>{t('settings.sections.about')}</h3>
      <dl className="about-list">
        <dt>{t('settings.version')}</dt>
        <dd>{info?.version ?? '—'}</dd>
        <dt>{t('settings.host')}</dt>
        <dd>{host === 'electron' ? t('settings.hosts.electron') : t('settings.hosts.browser')}</dd>
        <dt>{t('settings.platform')}</dt>
        <dd>{info ? `${info.platform} ${info.arch}` : '—'}</dd>
        <dt>{t('settings.dataDir')}</dt>
        <dd>
          <code className="path">{info?.dataDir ?? '—'}</code>
        </dd>
        <dt>{t('settings.modelsDir')}</dt>
        <dd>
          <code className="path">{info?.modelsDir ?? '—'}</code>
        </dd>
      </dl>
    </section>
  );
}

export function SettingsView() {
  const { t } = useTranslation();
  const settings = useSettings((s) => s.settings);
  const loadError = useSettings((s) => s.loadError);
  const saving = useSettings((s) => s.saving);
  const saveError = useSettings((s) => s.saveError);
  const fieldErrorText = useFieldErrorText();
  // The user's edits; until there are any, the form shows the saved settings (and follows them).
  const [draft, setDraft] = useState<SettingsFormValues | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const dirty = draft !== null;

  if (!settings) {
    return (
      <div className="page settings-view">{loadError ? <ErrorMessage error={loadError} /> : <p className="muted">{t('app.loading')}</p>}</div>
    );
  }

  const values = draft ?? formFromSettings(settings);

  const set = <K extends keyof SettingsFormValues>(key: K, value: SettingsFormValues[K]) => {
    setDraft({ ...values, [key]: value });
    setSaved(false);
    if (key in errors) setErrors({ ...errors, [key]: undefined });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const { patch, errors: found } = buildPatch(values, settings);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    if (Object.keys(patch).length > 0) {
      const ok = await settingsStore.getState().update(patch);
      if (!ok) {
        setErrors(errorsFromSaveError(settingsStore.getState().saveError, patch));
        return;
      }
    }
    setDraft(null);
    setSaved(true);
  };

  const numberInput = (id: string, key: 'threads' | 'contextSize' | 'temperature' | 'topP' | 'topK' | 'maxTokens' | 'loraScale', step: string, min: number, max: number) => (
    <input
      id={id}
      className="input input-number"
      data-testid={id}
      type="number"
      inputMode="decimal"
      step={step}
      min={min}
      max={max}
      value={values[key]}
      aria-invalid={errors[key] ? true : undefined}
      onChange={(e) => set(key, e.target.value)}
    />
  );
  const hasFieldErrors = Object.values(errors).some(Boolean);

  return (
    <div className="page settings-view">
      <div className="page-header">
        <div>
          <h2>{t('settings.title')}</h2>
        </div>
        <div className="page-header-actions">
          <button type="button" className="button" onClick={() => appStore.getState().setView('chat')}>
            <Icon name="back" size={14} />
            {t('settings.back')}
          </button>
        </div>
      </div>

      <div className="settings-columns">
        <div className="settings-main">
          <EngineSection settings={settings} />
          <form className="settings-form" onSubmit={(e) => void onSubmit(e)} noValidate>
            <section className="settings-section">
              <h3>{t('settings.sections.inference')}</h3>
              <p className="field-help">{t('settings.reloadNote')}</p>
              <Field id="settings-threads" label={t('settings.threads')} help={t('settings.threadsHelp')} error={fieldErrorText(errors.threads)}>
                {numberInput('settings-threads', 'threads', '1', 0, 256)}
              </Field>
              <Field id="settings-context-size" label={t('settings.contextSize')} help={t('settings.contextSizeHelp')} error={fieldErrorText(errors.contextSize)}>
                {numberInput('settings-context-size', 'contextSize', '256', 256, 262144)}
              </Field>
              <Field id="settings-gpu" label={t('settings.gpu')} help={t('settings.gpuHelp')} error={fieldErrorText(errors.gpu)}>
                <select id="settings-gpu" className="input" data-testid="settings-gpu" value={values.gpu} onChange={(e) => set('gpu', e.target.value as SettingsFormValues['gpu'])}>
                  {(['auto', 'off', 'cuda', 'metal', 'vulkan'] as const).map((gpu) => (
                    <option key={gpu} value={gpu}>
                      {t(`settings.gpuOptions.${gpu}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="settings-gpu-layers" label={t('settings.gpuLayers')} help={t('settings.gpuLayersHelp')} error={fieldErrorText(errors.gpuLayersCount)}>
                <div className="inline-field">
                  <select
                    id="settings-gpu-layers"
                    className="input"
                    data-testid="settings-gpu-layers"
                    value={values.gpuLayersMode}
                    onChange={(e) => set('gpuLayersMode', e.target.value as SettingsFormValues['gpuLayersMode'])}
                  >
                    {(['auto', 'max', 'number'] as const).map((mode) => (
                      <option key={mode} value={mode}>
                        {t(`settings.gpuLayersOptions.${mode}`)}
                      </option>
                    ))}
                  </select>
                  {values.gpuLayersMode === 'number' && (
                    <input
                      className="input input-number"
                      data-testid="settings-gpu-layers-count"
                      aria-label={t('settings.gpuLayers')}
                      type="number"
                      min={0}
                      max={1000}
                      step="1"
                      value={values.gpuLayersCount}
                      aria-invalid={errors.gpuLayersCount ? true : undefined}
                      onChange={(e) => set('gpuLayersCount', e.target.value)}
                    />
                  )}
                </div>
              </Field>
              <Field id="settings-lora-path" label={t('settings.lora')} help={t('settings.loraHelp')} error={fieldErrorText(errors.loraPath)}>
                <div className="inline-field">
                  <input
                    id="settings-lora-path"
                    className="input input-mono"
                    data-testid="settings-lora-path"
                    value={values.loraPath}
                    placeholder={t('settings.loraPlaceholder')}
                    spellCheck={false}
                    autoComplete="off"
                    aria-invalid={errors.loraPath ? true : undefined}
                    onChange={(e) => set('loraPath', e.target.value)}
                  />
                  {pickModelFile && (
                    <button
                      type="button"
                      className="button"
                      data-testid="settings-lora-choose"
                      title={t('settings.loraChooseTooltip')}
                      onClick={() => void pickModelFile?.().then((picked) => picked && set('loraPath', picked))}
                    >
                      {t('settings.loraChoose')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button"
                    data-testid="settings-lora-clear"
                    title={t('settings.loraClearTooltip')}
                    disabled={!values.loraPath}
                    onClick={() => set('loraPath', '')}
                  >
                    {t('settings.loraClear')}
                  </button>
                </div>
              </Field>
              <Field id="settings-lora-scale" label={t('settings.loraScale')} help={t('settings.loraScaleHelp')} error={fieldErrorText(errors.loraScale)}>
                {numberInput('settings-lora-scale', 'loraScale', '0.05', 0, 4)}
              </Field>
            </section>

            <section className="settings-section">
              <h3>{t('settings.sections.sampling')}</h3>
              <Field id="settings-temperature" label={t('settings.temperature')} help={t('settings.temperatureHelp')} error={fieldErrorText(errors.temperature)}>
                {numberInput('settings-temperature', 'temperature', '0.05', 0, 2)}
              </Field>
              <Field id="settings-top-p" label={t('settings.topP')} help={t('settings.topPHelp')} error={fieldErrorText(errors.topP)}>
                {numberInput('settings-top-p', 'topP', '0.01', 0, 1)}
              </Field>
              <Field id="settings-top-k" label={t('settings.topK')} help={t('settings.topKHelp')} error={fieldErrorText(errors.topK)}>
                {numberInput('settings-top-k', 'topK', '1', 0, 1000)}
              </Field>
              <Field id="settings-max-tokens" label={t('settings.maxTokens')} help={t('settings.maxTokensHelp')} error={fieldErrorText(errors.maxTokens)}>
                {numberInput('settings-max-tokens', 'maxTokens', '256', 1, 131072)}
              </Field>
            </section>

            <ReportSearchSection
              value={values.embeddingModelPath}
              saved={settings.embeddingModelPath}
              error={fieldErrorText(errors.embeddingModelPath)}
              onChange={(value) => set('embeddingModelPath', value)}
            />

            <div className="settings-actions">
              {hasFieldErrors && (
                <span className="field-error" role="alert" data-testid="settings-invalid">
                  {t('settings.invalid')}
                </span>
              )}
              {saveError && !hasFieldErrors && <ErrorMessage error={saveError} onDismiss={() => settingsStore.getState().clearSaveError()} />}
              {saved && !dirty && (
                <span className="ok-text" role="status" data-testid="settings-saved">
                  {t('settings.saved')}
                </span>
              )}
              {dirty && (
                <button
                  type="button"
                  className="button"
                  onClick={() => {
                    setDraft(null);
                    setErrors({});
                  }}
                >
                  {t('settings.reset')}
                </button>
              )}
              <button type="submit" className="button button-primary" data-testid="settings-save" disabled={saving}>
                {saving ? t('settings.saving') : t('settings.save')}
              </button>
            </div>
          </form>
        </div>

        <div className="settings-side">
          <AppearanceSection settings={settings} />
          <AboutSection />
        </div>
      </div>
    </div>
  );
}
