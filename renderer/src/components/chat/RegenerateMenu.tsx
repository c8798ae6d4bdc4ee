import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageRecord } from '../../contract';
import { conversationsStore, modelsStore, useConversations, useModels, useSettings } from '../../stores';
import { baseName } from '../../lib/format';
import { parseSeed } from '../../lib/alternatives';
import { Icon } from '../common/Icon';

/** "Regenerate": another answer to the same question, with a new random seed (default) or a typed one, any model. */
export function RegenerateMenu({ message }: { message: MessageRecord }) {
  const { t } = useTranslation();
  const busy = useConversations((s) => s.live !== null || s.sending);
  const files = useModels((s) => s.files);
  const selectedModel = useSettings((s) => s.settings?.modelPath ?? null);
  const [open, setOpen] = useState(false);
  const [seedMode, setSeedMode] = useState<'random' | 'fixed'>('random');
  const [seedText, setSeedText] = useState(() => (message.sampling?.seed !== undefined ? String(message.sampling.seed) : ''));
  const [modelPath, setModelPath] = useState(() => message.modelPath ?? selectedModel ?? '');
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const formId = useId();

  useEffect(() => {
    if (!open) return;
    void modelsStore.getState().refresh();
    const onPointer = (event: PointerEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const seed = seedMode === 'fixed' ? parseSeed(seedText) : null;
  const seedInvalid = seedMode === 'fixed' && seed === null;

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (seedInvalid || busy) return;
    setOpen(false);
    void conversationsStore.getState().regenerate(message.id, {
      ...(seed !== null ? { seed } : {}),
      ...(modelPath ? { modelPath } : {}),
    });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      // Not the global Escape (stop generating).
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  };

  const options = files.map((f) => ({ path: f.path, label: f.name || f.fileName }));
  if (modelPath && !options.some((o) => o.path === modelPath)) options.unshift({ path: modelPath, label: message.modelName || baseName(modelPath) });

  return (
    <div className="regenerate" ref={rootRef} onKeyDown={onKeyDown}>
      <button
        ref={buttonRef}
        type="button"
        className="button button-small"
        data-testid="regenerate-button"
        aria-expanded={open}
        aria-controls={open ? formId : undefined}
        disabled={busy}
        title={busy ? t('regenerate.busy') : t('regenerate.tooltip')}
        onClick={() => setOpen((v) => !v)}
      >
        <Icon name="refresh" size={13} />
        {t('regenerate.button')}
      </button>
      {open && (
        <form id={formId} className="regenerate-menu" data-testid="regenerate-menu" aria-label={t('regenerate.title')} onSubmit={submit}>
          <div className="regenerate-title">{t('regenerate.title')}</div>
          <label className="regenerate-option">
            <input type="radio" name={`${formId}-seed`} checked={seedMode === 'random'} onChange={() => setSeedMode('random')} data-testid="regenerate-random" autoFocus />
            {t('regenerate.randomSeed')}
          </label>
          <label className="regenerate-option">
            <input type="radio" name={`${formId}-seed`} checked={seedMode === 'fixed'} onChange={() => setSeedMode('fixed')} data-testid="regenerate-fixed" />
            {t('regenerate.fixedSeed')}
            <input
              className="input input-mono regenerate-seed"
              data-testid="regenerate-seed"
              inputMode="numeric"
              aria-label={t('regenerate.seedLabel')}
              aria-invalid={seedInvalid}
              value={seedText}
              onFocus={() => setSeedMode('fixed')}
              onChange={(e) => setSeedText(e.target.value)}
            />
          </label>
          {seedInvalid && seedText.trim() !== '' && <div className="field-error">{t('regenerate.seedInvalid')}</div>}
          <label className="regenerate-model">
            <span>{t('regenerate.model')}</span>
            <select className="input" data-testid="regenerate-model" value={modelPath} onChange={(e) => setModelPath(e.target.value)}>
              {!modelPath && <option value="">{t('regenerate.selectedModel')}</option>}
              {options.map((o) => (
                <option key={o.path} value={o.path}>
                  {o.path === message.modelPath ? t('regenerate.sameModel', { name: o.label }) : o.label}
                </option>
              ))}
            </select>
          </label>
          <div className="regenerate-actions">
            <button type="button" className="button button-small" onClick={close}>
              {t('regenerate.cancel')}
            </button>
            <button type="submit" className="button button-small button-primary" data-testid="regenerate-submit" disabled={seedInvalid || busy}>
              {t('regenerate.submit')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
