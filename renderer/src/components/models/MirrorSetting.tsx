import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MirrorChoice } from '../../contract';
import { modelsStore, useModels } from '../../stores';
import { ErrorMessage } from '../common/ErrorMessage';

type MirrorKind = 'huggingface' | 'hf-mirror' | 'modelscope' | 'custom';
const kinds: MirrorKind[] = ['huggingface', 'hf-mirror', 'modelscope', 'custom'];

/** Where Hugging Face downloads come from (applies to the next download or resume). */
export function MirrorSetting() {
  const { t } = useTranslation();
  const mirror = useModels((s) => s.mirror);
  const error = useModels((s) => s.mirrorError);
  const savedKind: MirrorKind = mirror === null ? 'huggingface' : typeof mirror === 'string' ? mirror : 'custom';
  const [kind, setKind] = useState<MirrorKind>(savedKind);
  const [custom, setCustom] = useState(typeof mirror === 'object' && mirror !== null ? mirror.custom : '');
  const [saved, setSaved] = useState(false);

  const save = async (choice: MirrorChoice) => {
    setSaved(false);
    setSaved(await modelsStore.getState().setMirror(choice));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (custom.trim()) void save({ custom: custom.trim() });
  };

  return (
    <form className="mirror-setting" onSubmit={onSubmit} data-testid="mirror-setting">
      <label className="field-label" htmlFor="mirror-choice">
        {t('models.mirror.label')}
      </label>
      <div className="inline-field">
        <select
          id="mirror-choice"
          className="input"
          data-testid="mirror-choice"
          value={kind}
          onChange={(e) => {
            const next = e.target.value as MirrorKind;
            setKind(next);
            if (next !== 'custom') void save(next);
          }}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`models.mirror.options.${k}`)}
            </option>
          ))}
        </select>
        {kind === 'custom' && (
          <>
            <input
              className="input input-mono"
              data-testid="mirror-custom"
              value={custom}
              placeholder="https://example.com"
              aria-label={t('models.mirror.customLabel')}
              spellCheck={false}
              onChange={(e) => setCustom(e.target.value)}
            />
            <button type="submit" className="button button-small" data-testid="mirror-save" disabled={!custom.trim()}>
              {t('settings.save')}
            </button>
          </>
        )}
        {saved && !error && (
          <span className="ok-text" role="status">
            {t('models.mirror.saved')}
          </span>
        )}
      </div>
      <p className="field-help">{t('models.mirror.help')}</p>
      {error && <ErrorMessage error={error} />}
    </form>
  );
}
