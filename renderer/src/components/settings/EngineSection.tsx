/**
 * "Engine": the local model (nothing leaves the machine) or a remote OpenAI-compatible server, its address, model
 * and API key. Saved on its own (the key at once, bound to the address's origin; it is never shown again).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { serializeError, type AppSettings, type EngineKeyStatus, type EngineTestResult, type SerializedError } from '../../contract';
import { api } from '../../api';
import { errorText } from '../../i18n';
import { settingsStore, useApp, useSettings } from '../../stores';
import { buildEnginePatch, checkBaseUrl, engineFormFromSettings, keyMatchesUrl, type EngineFieldError, type EngineFieldErrors, type EngineFormValues } from './engineForm';

function useEngineKeyStatus() {
  const [status, setStatus] = useState<EngineKeyStatus | null>(null);
  useEffect(() => {
    let live = true;
    api.call('secrets.engineKeyStatus', {}).then(
      (s) => live && setStatus(s),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return [status, setStatus] as const;
}

export function EngineSection({ settings }: { settings: AppSettings }) {
  const { t } = useTranslation();
  const info = useApp((s) => s.info);
  const saving = useSettings((s) => s.saving);
  const [draft, setDraft] = useState<EngineFormValues | null>(null);
  const [errors, setErrors] = useState<EngineFieldErrors>({});
  const [saveError, setSaveError] = useState<SerializedError | null>(null);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<{ running: boolean; result: EngineTestResult | null; error: SerializedError | null }>({ running: false, result: null, error: null });
  const [apiKey, setApiKey] = useState('');
  const [keyBusy, setKeyBusy] = useState(false);
  const [keyError, setKeyError] = useState<SerializedError | null>(null);
  const [keyStatus, setKeyStatus] = useEngineKeyStatus();

  const values = draft ?? engineFormFromSettings(settings);
  const remote = values.kind === 'remote';
  const fieldText = (error: EngineFieldError | undefined) => (error ? t(`settings.engine.fieldErrors.${error}`) : null);

  const set = <K extends keyof EngineFormValues>(key: K, value: EngineFormValues[K]) => {
    setDraft({ ...values, [key]: value });
    setSaved(false);
    setSaveError(null);
    if (key in errors) setErrors({ ...errors, [key]: undefined });
  };

  const save = async () => {
    const { patch, errors: found } = buildEnginePatch(values, settings.engine);
    setErrors(found);
    if (found.baseUrl || found.model) return;
    if (patch) {
      const ok = await settingsStore.getState().update(patch);
      if (!ok) {
        setSaveError(settingsStore.getState().saveError);
        settingsStore.getState().clearSaveError();
        return;
      }
    }
    setDraft(null);
    setSaved(true);
  };

  const runTest = async () => {
    const urlError = checkBaseUrl(values.baseUrl);
    if (urlError) {
      setErrors({ ...errors, baseUrl: urlError });
      return;
    }
    setTest({ running: true, result: null, error: null });
    try {
      const result = await api.call('engine.test', {
        baseUrl: values.baseUrl.trim(),
        ...(values.model.trim() ? { model: values.model.trim() } : {}),
        ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
      });
      setTest({ running: false, result, error: null });
    } catch (error) {
      setTest({ running: false, result: null, error: serializeError(error) });
    }
  };

  const keyAction = async (action: () => Promise<EngineKeyStatus>) => {
    setKeyBusy(true);
    setKeyError(null);
    try {
      setKeyStatus(await action());
      setApiKey('');
    } catch (error) {
      setKeyError(serializeError(error));
    } finally {
      setKeyBusy(false);
    }
  };
  const saveKey = () => {
    const urlError = checkBaseUrl(values.baseUrl);
    if (urlError) {
      setErrors({ ...errors, baseUrl: urlError });
      return;
    }
    void keyAction(() => api.call('secrets.setEngineKey', { apiKey: apiKey.trim(), baseUrl: values.baseUrl.trim() }));
  };
  const clearKey = () => void keyAction(async () => (await api.call('secrets.clearEngineKey', {}), api.call('secrets.engineKeyStatus', {})));

  const encrypted = info ? info.secretsEncrypted : (keyStatus?.encrypted ?? true);
  const models = test.result?.models ?? [];

  return (
    <section className="settings-section" data-testid="settings-engine">
      <h3>{t('settings.sections.engine')}</h3>
      <div className="segmented" role="radiogroup" aria-label={t('settings.sections.engine')} data-testid="settings-engine-kind">
        {(['local', 'remote'] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            role="radio"
            aria-checked={values.kind === kind}
            className={values.kind === kind ? 'is-active' : ''}
            data-value={kind}
            onClick={() => set('kind', kind)}
          >
            {t(`settings.engine.kinds.${kind}`)}
          </button>
        ))}
      </div>
      <p className="field-help" data-testid="settings-engine-privacy">
        {t('settings.engine.privacyNote')}
      </p>

      {remote && (
        <>
          <div className={`field ${errors.baseUrl ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="settings-engine-url">
              {t('settings.engine.url')}
            </label>
            <div className="field-control">
              <div className="inline-field">
                <input
                  id="settings-engine-url"
                  className="input input-mono"
                  data-testid="settings-engine-url"
                  type="url"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="http://127.0.0.1:8080/v1"
                  value={values.baseUrl}
                  aria-invalid={errors.baseUrl ? true : undefined}
                  onChange={(e) => set('baseUrl', e.target.value)}
                />
                <button type="button" className="button" data-testid="settings-engine-test" disabled={test.running} onClick={() => void runTest()}>
                  {test.running ? t('settings.engine.testing') : t('settings.engine.test')}
                </button>
              </div>
              {errors.baseUrl && (
                <div className="field-error" role="alert" data-testid="settings-engine-url-error">
                  {fieldText(errors.baseUrl)}
                </div>
              )}
              {test.error && (
                <div className="field-error" role="alert" data-testid="settings-engine-test-error">
                  {errorText(t, test.error)}
                </div>
              )}
              {test.result && (
                <div className="ok-text" role="status" data-testid="settings-engine-test-ok">
                  {t('settings.engine.testOk', { count: test.result.models.length, ms: Math.round(test.result.latencyMs) })}
                  {test.result.modelFound === false ? ` ${t('settings.engine.modelNotFound')}` : ''}
                </div>
              )}
              <div className="field-help">{t('settings.engine.urlHelp')}</div>
            </div>
          </div>

          <div className={`field ${errors.model ? 'has-error' : ''}`}>
            <label className="field-label" htmlFor="settings-engine-model">
              {t('settings.engine.model')}
            </label>
            <div className="field-control">
              <div className="inline-field">
                <input
                  id="settings-engine-model"
                  className="input input-mono"
                  data-testid="settings-engine-model"
                  type="text"
                  spellCheck={false}
                  autoComplete="off"
                  value={values.model}
                  aria-invalid={errors.model ? true : undefined}
                  onChange={(e) => set('model', e.target.value)}
                />
                {models.length > 0 && (
                  <select
                    className="input"
                    data-testid="settings-engine-model-list"
                    aria-label={t('settings.engine.modelList')}
                    value={models.some((m) => m.id === values.model) ? values.model : ''}
                    onChange={(e) => e.target.value && set('model', e.target.value)}
                  >
                    <option value="">{t('settings.engine.modelListPlaceholder')}</option>
                    {models.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.id}
                      </option>
                    ))}
                  </select>
                )}
              </div>
              {errors.model && (
                <div className="field-error" role="alert" data-testid="settings-engine-model-error">
                  {fieldText(errors.model)}
                </div>
              )}
            </div>
          </div>

          <div className="field">
            <label className="field-label" htmlFor="settings-engine-key">
              {t('settings.engine.key')}
            </label>
            <div className="field-control">
              <div className="inline-field">
                <input
                  id="settings-engine-key"
                  className="input"
                  data-testid="settings-engine-key"
                  type="password"
                  autoComplete="off"
                  placeholder={keyStatus?.saved ? t('settings.engine.keyReplacePlaceholder') : t('settings.engine.keyPlaceholder')}
                  value={apiKey}
                  onChange={(e) => setApiKey(e.target.value)}
                />
                <button type="button" className="button" data-testid="settings-engine-key-save" disabled={keyBusy || !apiKey.trim()} onClick={saveKey}>
                  {t('settings.engine.keySave')}
                </button>
                <button type="button" className="button" data-testid="settings-engine-key-clear" disabled={keyBusy || !keyStatus?.saved} onClick={clearKey}>
                  {t('settings.engine.keyClear')}
                </button>
              </div>
              <div className="field-help" data-testid="settings-engine-key-status">
                {keyStatus?.saved
                  ? t('settings.engine.keySaved', { origin: keyStatus.origin ?? '—' })
                  : t('settings.engine.keyNone')}
                {keyStatus?.saved && values.baseUrl.trim() && !keyMatchesUrl(keyStatus, values.baseUrl) ? ` ${t('settings.engine.keyOtherOrigin')}` : ''}
              </div>
              {!encrypted && (
                <div className="warning-text" role="note" data-testid="settings-engine-key-plaintext">
                  {t('settings.engine.keyPlainText')}
                </div>
              )}
              {keyError && (
                <div className="field-error" role="alert" data-testid="settings-engine-key-error">
                  {errorText(t, keyError)}
                </div>
              )}
              <div className="field-help">{t('settings.engine.keyHelp')}</div>
            </div>
          </div>
        </>
      )}

      <div className="settings-actions">
        {saveError && (
          <span className="field-error" role="alert" data-testid="settings-engine-save-error">
            {errorText(t, saveError)}
          </span>
        )}
        {saved && !draft && (
          <span className="ok-text" role="status" data-testid="settings-engine-saved">
            {t('settings.saved')}
          </span>
        )}
        {draft && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(null);
              setErrors({});
              setSaveError(null);
            }}
          >
            {t('settings.reset')}
          </button>
        )}
        <button type="button" className="button button-primary" data-testid="settings-engine-save" disabled={saving || !draft} onClick={() => void save()}>
          {t('settings.engine.save')}
        </button>
      </div>
    </section>
  );
}
