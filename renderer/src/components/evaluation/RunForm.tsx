import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { evaluationStore, useApp, useEvaluation, useModels, useSettings } from '../../stores';
import { baseName } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { buildRunInput, defaultRunForm, type RunFieldError, type RunFormErrors, type RunFormValues, type SubsetChoice, type TargetFormValues } from './runForm';

function FieldError({ id, error }: { id: string; error: RunFieldError | undefined }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="field-error" id={id}>
      {t(`evaluation.form.errors.${error}`)}
    </p>
  );
}

/** A text/number field with its label, help and error wired for screen readers. */
function Field({
  label,
  value,
  onChange,
  error,
  help,
  type = 'text',
  step,
  mono,
  placeholder,
  testId,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: RunFieldError;
  help?: string;
  type?: 'text' | 'number' | 'url';
  step?: string;
  mono?: boolean;
  placeholder?: string;
  testId?: string;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  return (
    <div className="eval-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className={`input${mono ? ' input-mono' : ''}${type === 'number' ? ' input-number' : ''}`}
        type={type}
        step={step}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? errorId : null, help ? helpId : null].filter(Boolean).join(' ') || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {help && (
        <p className="field-help" id={helpId}>
          {help}
        </p>
      )}
      <FieldError id={errorId} error={error} />
    </div>
  );
}

function TargetFields({ prefix, values, onChange, errors }: { prefix: 'target' | 'judge'; values: TargetFormValues; onChange(values: TargetFormValues): void; errors: RunFormErrors }) {
  const { t } = useTranslation();
  const files = useModels((s) => s.files);
  const modelSelectId = useId();
  const set = (patch: Partial<TargetFormValues>) => onChange({ ...values, ...patch });
  const groupLabel = prefix === 'target' ? t('evaluation.form.target') : t('evaluation.form.judgeModel');
  // The chosen path may not be in the list (a model picked elsewhere): offered too.
  const paths = files.map((f) => f.path);
  const options = values.modelPath && !paths.includes(values.modelPath) ? [values.modelPath, ...paths] : paths;
  const modelError = errors[`${prefix}.modelPath`];
  return (
    <fieldset className="eval-fieldset" data-testid={`eval-${prefix}`}>
      <legend>{groupLabel}</legend>
      <div className="eval-radio-row" role="radiogroup" aria-label={groupLabel}>
        <label>
          <input type="radio" name={`${prefix}-kind`} checked={values.kind === 'local'} onChange={() => set({ kind: 'local' })} />
          {t('evaluation.form.local')}
        </label>
        <label>
          <input type="radio" name={`${prefix}-kind`} checked={values.kind === 'remote'} onChange={() => set({ kind: 'remote' })} />
          {t('evaluation.form.remote')}
        </label>
      </div>
      {values.kind === 'local' ? (
        <div className="eval-form-grid">
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={modelSelectId}>
              {t('evaluation.form.model')}
            </label>
            <select
              id={modelSelectId}
              className="input"
              value={values.modelPath}
              data-testid={`eval-${prefix}-model`}
              aria-invalid={modelError ? true : undefined}
              onChange={(e) => set({ modelPath: e.target.value })}
            >
              {options.length === 0 && <option value="">{t('evaluation.form.noModels')}</option>}
              {options.map((path) => {
                const file = files.find((f) => f.path === path);
                const name = file ? [file.fileName, file.quantization].filter(Boolean).join(' · ') : baseName(path);
                return (
                  <option key={path} value={path} title={path}>
                    {name}
                  </option>
                );
              })}
            </select>
            <FieldError id={`${modelSelectId}-error`} error={modelError} />
          </div>
          {prefix === 'target' && (
            <>
              <Field
                label={t('evaluation.form.loraPath')}
                value={values.loraPath}
                onChange={(loraPath) => set({ loraPath })}
                help={t('evaluation.form.loraHelp')}
                placeholder={t('evaluation.form.loraPlaceholder')}
                mono
              />
              <Field
                label={t('evaluation.form.loraScale')}
                value={values.loraScale}
                onChange={(loraScale) => set({ loraScale })}
                type="number"
                step="0.05"
                error={errors[`${prefix}.loraScale`]}
              />
            </>
          )}
        </div>
      ) : (
        <div className="eval-form-grid">
          <Field
            label={t('evaluation.form.baseUrl')}
            value={values.baseUrl}
            onChange={(baseUrl) => set({ baseUrl })}
            placeholder="http://127.0.0.1:8000/v1"
            mono
            error={errors[`${prefix}.baseUrl`]}
            testId={`eval-${prefix}-base-url`}
          />
          <Field label={t('evaluation.form.remoteModel')} value={values.model} onChange={(model) => set({ model })} mono error={errors[`${prefix}.model`]} testId={`eval-${prefix}-remote-model`} />
        </div>
      )}
    </fieldset>
  );
}

export function RunForm({ onStarted }: { onStarted?: (runId: string) => void }) {
  const { t } = useTranslation();
  const settings = useSettings((s) => s.settings);
  const files = useModels((s) => s.files);
  const sets = useEvaluation((s) => s.sets);
  const loadedPath = useApp((s) => s.status?.model?.path ?? null);
  const starting = useEvaluation((s) => s.starting);
  const startError = useEvaluation((s) => s.startError);
  // Until the user edits the form, its values follow the settings, models and sets as they load.
  const defaults = useMemo(
    () =>
      defaultRunForm(
        settings,
        files.map((f) => f.path),
        sets.map((s) => s.id),
        loadedPath,
      ),
    [settings, files, sets, loadedPath],
  );
  const [draft, setDraft] = useState<RunFormValues | null>(null);
  const [errors, setErrors] = useState<RunFormErrors>({});
  const setSelectId = useId();
  const subsetId = useId();
  const chosen = draft ?? defaults;
  // A removed set is no longer a choice.
  const values = sets.some((s) => s.id === chosen.setId) ? chosen : { ...chosen, setId: sets[0]?.id ?? '' };

  const update = (patch: Partial<RunFormValues>) => {
    setDraft({ ...values, ...patch });
    if (startError) evaluationStore.getState().clearStartError();
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const result = buildRunInput(values);
    setErrors(result.errors ?? {});
    if (!result.input) return;
    const run = await evaluationStore.getState().start(result.input);
    if (run) onStarted?.(run.id);
  };

  return (
    <section className="eval-section" aria-labelledby="eval-form-title">
      <div className="eval-section-header">
        <h3 id="eval-form-title">{t('evaluation.form.title')}</h3>
      </div>
      <form className="eval-form" data-testid="eval-run-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <div className="eval-form-grid">
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={setSelectId}>
              {t('evaluation.form.set')}
            </label>
            <select id={setSelectId} className="input" value={values.setId} data-testid="eval-form-set" aria-invalid={errors.setId ? true : undefined} onChange={(e) => update({ setId: e.target.value })}>
              {sets.length === 0 && <option value="">{t('evaluation.form.noSets')}</option>}
              {sets.map((set) => (
                <option key={set.id} value={set.id}>
                  {t('evaluation.form.setOption', { name: set.name, count: set.itemCount })}
                </option>
              ))}
            </select>
            <FieldError id={`${setSelectId}-error`} error={errors.setId} />
          </div>
          <Field label={t('evaluation.form.label')} value={values.label} onChange={(label) => update({ label })} placeholder={t('evaluation.form.labelPlaceholder')} testId="eval-form-label" />
        </div>

        <TargetFields prefix="target" values={values.target} onChange={(target) => update({ target })} errors={errors} />

        <fieldset className="eval-fieldset">
          <legend>{t('evaluation.form.sampling')}</legend>
          <div className="eval-form-grid">
            <Field label={t('evaluation.form.temperature')} value={values.temperature} onChange={(temperature) => update({ temperature })} type="number" step="0.05" error={errors.temperature} />
            <Field label={t('evaluation.form.topP')} value={values.topP} onChange={(topP) => update({ topP })} type="number" step="0.01" error={errors.topP} />
            <Field label={t('evaluation.form.maxTokens')} value={values.maxTokens} onChange={(maxTokens) => update({ maxTokens })} type="number" step="1" error={errors.maxTokens} testId="eval-form-max-tokens" />
          </div>
          <p className="field-help">{t('evaluation.form.samplingHelp')}</p>
        </fieldset>

        <fieldset className="eval-fieldset">
          <legend>{t('evaluation.form.items')}</legend>
          <div className="eval-form-grid">
            <div className="eval-field">
              <label className="field-label" htmlFor={subsetId}>
                {t('evaluation.form.subset')}
              </label>
              <select id={subsetId} className="input" value={values.subset} data-testid="eval-form-subset" onChange={(e) => update({ subset: e.target.value as SubsetChoice })}>
                <option value="all">{t('evaluation.form.subsetAll')}</option>
                <option value="limit">{t('evaluation.form.subsetLimit')}</option>
                <option value="sample">{t('evaluation.form.subsetSample')}</option>
              </select>
            </div>
            {values.subset !== 'all' && (
              <Field label={t('evaluation.form.count')} value={values.count} onChange={(count) => update({ count })} type="number" step="1" error={errors.count} testId="eval-form-count" />
            )}
            {values.subset === 'sample' && <Field label={t('evaluation.form.seed')} value={values.seed} onChange={(seed) => update({ seed })} type="number" step="1" error={errors.seed} />}
          </div>
        </fieldset>

        <fieldset className="eval-fieldset">
          <legend>{t('evaluation.form.judge')}</legend>
          <label className="eval-check">
            <input type="checkbox" checked={values.judgeEnabled} data-testid="eval-form-judge" onChange={(e) => update({ judgeEnabled: e.target.checked })} />
            {t('evaluation.form.judgeEnable')}
          </label>
          <p className="field-help">{t('evaluation.form.judgeHelp')}</p>
          {values.judgeEnabled && <TargetFields prefix="judge" values={values.judge} onChange={(judge) => update({ judge })} errors={errors} />}
        </fieldset>

        {startError && <ErrorMessage error={startError} onDismiss={() => evaluationStore.getState().clearStartError()} />}
        <div className="eval-form-actions">
          <button type="submit" className="button button-primary" data-testid="eval-start" disabled={starting || sets.length === 0}>
            {starting ? t('evaluation.form.starting') : t('evaluation.form.start')}
          </button>
        </div>
      </form>
    </section>
  );
}
