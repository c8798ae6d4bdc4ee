import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainExportFormat } from '../../../contract';
import { host } from '../../../api';
import { grpoStore, useGrpo } from '../../../stores';
import { formatInteger } from '../../../lib/format';
import { ErrorMessage } from '../../common/ErrorMessage';
import { Icon } from '../../common/Icon';

const formats: TrainExportFormat[] = ['verl', 'llamafactory'];

/**
 * The same job for a GPU cluster (`train.export`): verl for GRPO, LLaMA-Factory for SFT, with the data in their
 * formats, DianJin-R1's reward as their reward file and a config mirroring DianJin-R1's settings. The folder is on the
 * machine running the service (in a browser, the server's), so it is typed.
 */
export function ExportSection({ dataPath }: { dataPath: string | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const exported = useGrpo((s) => s.exported);
  const [format, setFormat] = useState<TrainExportFormat>('verl');
  const [outDir, setOutDir] = useState('');
  const [model, setModel] = useState('');
  const [force, setForce] = useState(false);
  const outId = useId();
  const modelId = useId();
  const running = exported?.status === 'running';
  const result = exported?.result ?? null;
  const ready = Boolean(dataPath && outDir.trim());

  return (
    <section className="eval-section grpo-export" aria-labelledby="grpo-export-title" data-testid="grpo-export">
      <div className="eval-section-header">
        <h3 id="grpo-export-title">{t('grpo.export.title')}</h3>
      </div>
      <p className="muted">{t('grpo.export.intro')}</p>
      <div className="eval-form">
        <div className="train-tabs" role="radiogroup" aria-label={t('grpo.export.format')}>
          {formats.map((f) => (
            <label key={f} className={`train-tab${format === f ? ' is-active' : ''}`}>
              <input type="radio" name="grpo-export-format" checked={format === f} onChange={() => setFormat(f)} />
              {t(`grpo.export.formats.${f}`)}
            </label>
          ))}
        </div>
        <p className="field-help">{t(`grpo.export.formatHelp.${format}`)}</p>
        <div className="eval-form-grid">
          <div className="eval-field eval-field-wide">
            <span className="field-label">{t('grpo.export.data')}</span>
            <code className="eval-mono train-file-name" data-testid="grpo-export-data">
              {dataPath ?? t('grpo.export.noData')}
            </code>
          </div>
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={outId}>
              {t('grpo.export.outDir')}
            </label>
            <input id={outId} className="input eval-mono" value={outDir} placeholder={t('grpo.export.outDirPlaceholder')} data-testid="grpo-export-out" onChange={(e) => setOutDir(e.target.value)} />
            <p className="field-help">{host === 'electron' ? t('grpo.export.outDirHelp') : t('grpo.export.outDirHelpBrowser')}</p>
          </div>
          <div className="eval-field eval-field-wide">
            <label className="field-label" htmlFor={modelId}>
              {t('grpo.export.model')}
            </label>
            <input id={modelId} className="input eval-mono" value={model} placeholder="Qwen/Qwen2.5-7B-Instruct" onChange={(e) => setModel(e.target.value)} />
            <p className="field-help">{t('grpo.export.modelHelp')}</p>
          </div>
        </div>
        <label className="eval-check">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          {t('grpo.export.force')}
        </label>
        <div className="eval-form-actions">
          <button
            type="button"
            className="button"
            data-testid="grpo-export-run"
            disabled={!ready || running}
            onClick={() => void grpoStore.getState().exportJob({ format, dataPath: dataPath!, outDir: outDir.trim(), force, ...(model.trim() ? { model: model.trim() } : {}) })}
          >
            <Icon name="download" size={14} /> {running ? t('grpo.export.running') : t('grpo.export.run', { format: t(`grpo.export.formats.${format}`) })}
          </button>
        </div>
      </div>
      {exported?.status === 'error' && exported.error && <ErrorMessage error={exported.error} onDismiss={() => grpoStore.getState().clearExport()} />}
      {result && (
        <div className="grpo-export-result" data-testid="grpo-export-result" role="status">
          <p>
            {t('grpo.export.done', { format: t(`grpo.export.formats.${result.format}`), items: formatInteger(result.items, locale), validation: formatInteger(result.validationItems, locale) })}{' '}
            <code className="eval-mono">{result.out}</code>
          </p>
          <details className="train-notes" open>
            <summary>{t('grpo.export.files', { count: result.files.length })}</summary>
            <ul>
              {result.files.map((f) => (
                <li key={f} className="eval-mono">
                  {f}
                </li>
              ))}
            </ul>
          </details>
          {result.errors.length + result.warnings.length > 0 && (
            <details className="train-notes is-warning">
              <summary>{t('grpo.export.notes', { count: result.errors.length + result.warnings.length })}</summary>
              <ul>
                {[...result.errors, ...result.warnings].map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
