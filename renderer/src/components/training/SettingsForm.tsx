import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PromptStyle } from '../../contract';
import { useModels } from '../../stores';
import { baseName } from '../../lib/format';

/** The settings section (SFT or GRPO) with its title and Reset; test ids `${testIdPrefix}-settings…`. */
export function SettingsFrame({ testIdPrefix, title, resetLabel, onReset, children }: { testIdPrefix: string; title: string; resetLabel: string; onReset(): void; children: ReactNode }) {
  const titleId = `${testIdPrefix}-settings-title`;
  return (
    <section className="eval-section" aria-labelledby={titleId} data-testid={`${testIdPrefix}-settings`}>
      <div className="eval-section-header">
        <h3 id={titleId}>{title}</h3>
        <button type="button" className="button button-small" onClick={onReset}>
          {resetLabel}
        </button>
      </div>
      {children}
    </section>
  );
}

/** The base model to train, from the local models (the chosen one kept when it is not among them). */
export function ModelSelect({ label, noModels, help, testId, value, onChange }: { label: string; noModels: string; help?: string; testId: string; value: string; onChange(path: string): void }) {
  const files = useModels((s) => s.files);
  const id = useId();
  const paths = files.map((f) => f.path);
  const options = value && !paths.includes(value) ? [value, ...paths] : paths;
  return (
    <div className="eval-field eval-field-wide">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="input" value={value} data-testid={testId} onChange={(e) => onChange(e.target.value)}>
        {options.length === 0 && <option value="">{noModels}</option>}
        {options.map((path) => {
          const file = files.find((f) => f.path === path);
          const text = file ? [file.fileName, file.quantization].filter(Boolean).join(' · ') : baseName(path);
          return (
            <option key={path} value={path} title={path}>
              {text}
            </option>
          );
        })}
      </select>
      {help && <p className="field-help">{help}</p>}
    </div>
  );
}

/** The job's name (optional: the service names it otherwise). */
export function JobNameField({ label, placeholder, testId, value, onChange }: { label: string; placeholder: string; testId: string; value: string; onChange(name: string): void }) {
  const id = useId();
  return (
    <div className="eval-field eval-field-wide">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="input" value={value} placeholder={placeholder} data-testid={testId} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** How items become prompts: DianJin's format or the model's chat template. */
export function PromptStyleSelect({ label, testId, value, onChange }: { label: string; testId?: string; value: PromptStyle; onChange(style: PromptStyle): void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="eval-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className="input" value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as PromptStyle)}>
        <option value="dianjin">{t('training.settings.styles.dianjin')}</option>
        <option value="chat">{t('training.settings.styles.chat')}</option>
      </select>
    </div>
  );
}
