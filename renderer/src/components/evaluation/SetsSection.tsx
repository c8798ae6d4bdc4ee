import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvalSetSummary, EvalTask } from '../../contract';
import { EVAL_TASKS } from '../../contract';
import { evaluationStore, useEvaluation } from '../../stores';
import { formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';
import { Icon } from '../common/Icon';
import { chooseEvalSetFile } from './importSet';

export function TaskCounts({ tasks }: { tasks: Partial<Record<EvalTask, number>> }) {
  const { t, i18n } = useTranslation();
  return (
    <span className="eval-task-counts">
      {EVAL_TASKS.filter((task) => tasks[task]).map((task) => (
        <span key={task} className="chip" data-task={task}>
          {t(`evaluation.tasks.${task}`)} {formatInteger(tasks[task], i18n.language)}
        </span>
      ))}
    </span>
  );
}

function SetRow({ set }: { set: EvalSetSummary }) {
  const { t, i18n } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const previewing = useEvaluation((s) => s.preview?.setId === set.id);
  return (
    <tr data-testid="eval-set" data-set-id={set.id}>
      <td>
        <div className="eval-set-name">{set.name}</div>
        {set.fileName && <div className="muted eval-sub">{set.fileName}</div>}
      </td>
      <td>{t(`evaluation.formats.${set.format}`)}</td>
      <td className="num" data-testid="eval-set-count">
        {formatInteger(set.itemCount, i18n.language)}
      </td>
      <td>
        <TaskCounts tasks={set.tasks} />
      </td>
      <td>
        {set.warnings.length > 0 ? (
          <details className="eval-warnings" data-testid="eval-set-warnings">
            <summary className="warning-text">{t('evaluation.sets.warnings', { count: set.warnings.length })}</summary>
            <ul>
              {set.warnings.map((warning, i) => (
                <li key={i}>{warning}</li>
              ))}
            </ul>
          </details>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="eval-actions">
        <button
          type="button"
          className="button button-small"
          aria-pressed={previewing}
          aria-label={t('evaluation.sets.previewLabel', { name: set.name })}
          onClick={() => (previewing ? evaluationStore.getState().closePreview() : void evaluationStore.getState().previewSet(set.id))}
        >
          {previewing ? t('evaluation.sets.hidePreview') : t('evaluation.sets.preview')}
        </button>
        {confirming ? (
          <InlineConfirm
            message={t('evaluation.sets.confirmRemove', { name: set.name })}
            label={t('evaluation.sets.confirmRemove', { name: set.name })}
            confirmLabel={t('evaluation.remove')}
            cancelLabel={t('evaluation.cancel')}
            onConfirm={() => void evaluationStore.getState().removeSet(set.id)}
            onClose={() => setConfirming(false)}
          />
        ) : (
          <button type="button" className="button button-small" aria-label={t('evaluation.sets.removeLabel', { name: set.name })} onClick={() => setConfirming(true)}>
            {t('evaluation.remove')}
          </button>
        )}
      </td>
    </tr>
  );
}

function SetPreviewPanel() {
  const { t, i18n } = useTranslation();
  const preview = useEvaluation((s) => s.preview);
  const name = useEvaluation((s) => s.sets.find((set) => set.id === s.preview?.setId)?.name ?? '');
  if (!preview) return null;
  const pageSize = 50;
  const from = preview.total === 0 ? 0 : preview.offset + 1;
  const to = preview.offset + preview.items.length;
  return (
    <section className="eval-preview" data-testid="eval-set-preview" aria-label={t('evaluation.sets.previewTitle', { name })}>
      <div className="eval-section-header">
        <h4>{t('evaluation.sets.previewTitle', { name })}</h4>
        <div className="eval-pager">
          <span className="muted">{t('evaluation.range', { from: formatInteger(from, i18n.language), to: formatInteger(to, i18n.language), total: formatInteger(preview.total, i18n.language) })}</span>
          <button
            type="button"
            className="button button-small"
            disabled={preview.offset === 0 || preview.status === 'loading'}
            onClick={() => void evaluationStore.getState().previewSet(preview.setId, Math.max(0, preview.offset - pageSize))}
          >
            {t('evaluation.previous')}
          </button>
          <button
            type="button"
            className="button button-small"
            disabled={to >= preview.total || preview.status === 'loading'}
            onClick={() => void evaluationStore.getState().previewSet(preview.setId, preview.offset + pageSize)}
          >
            {t('evaluation.next')}
          </button>
          <button type="button" className="icon-button" aria-label={t('evaluation.close')} title={t('evaluation.close')} onClick={() => evaluationStore.getState().closePreview()}>
            <Icon name="close" size={13} />
          </button>
        </div>
      </div>
      {preview.status === 'error' && preview.error && <ErrorMessage error={preview.error} />}
      {preview.status === 'loading' && preview.items.length === 0 && <p className="muted">{t('evaluation.loading')}</p>}
      {preview.items.length > 0 && (
        <div className="eval-table-scroll">
          <table className="data-table eval-items-table">
            <thead>
              <tr>
                <th>{t('evaluation.columns.id')}</th>
                <th>{t('evaluation.columns.task')}</th>
                <th>{t('evaluation.columns.question')}</th>
                <th>{t('evaluation.columns.reference')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.items.map((item) => (
                <tr key={item.id} data-testid="eval-set-item">
                  <td className="eval-mono">{item.id}</td>
                  <td>{t(`evaluation.tasks.${item.task}`)}</td>
                  <td className="eval-question">
                    <div className="eval-clamp">{item.question}</div>
                    {item.choices && (
                      <ul className="eval-choices">
                        {Object.entries(item.choices).map(([letter, text]) => (
                          <li key={letter}>
                            <b>{letter}.</b> {text}
                          </li>
                        ))}
                      </ul>
                    )}
                    {item.context && <div className="muted eval-clamp eval-context">{item.context}</div>}
                  </td>
                  <td className="eval-mono">{item.reference}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function SetsSection() {
  const { t } = useTranslation();
  const sets = useEvaluation((s) => s.sets);
  const status = useEvaluation((s) => s.setsStatus);
  const error = useEvaluation((s) => s.setsError);
  const importing = useEvaluation((s) => s.importing);
  const importError = useEvaluation((s) => s.importError);
  const removeError = useEvaluation((s) => s.removeSetError);

  const addSample = (
    <button type="button" className="button" data-testid="eval-add-sample" disabled={importing !== null} onClick={() => void evaluationStore.getState().addSample()}>
      <Icon name="plus" size={14} />
      {importing === 'sample' ? t('evaluation.sets.adding') : t('evaluation.sets.addSample')}
    </button>
  );

  return (
    <section className="eval-section" aria-labelledby="eval-sets-title" data-testid="eval-sets">
      <div className="eval-section-header">
        <h3 id="eval-sets-title">{t('evaluation.sets.title')}</h3>
        <div className="page-header-actions">
          {sets.length > 0 && addSample}
          <button type="button" className="button" data-testid="eval-import" title={t('evaluation.sets.importTooltip')} disabled={importing !== null} onClick={() => chooseEvalSetFile()}>
            <Icon name="folder" size={14} />
            {importing === 'file' ? t('evaluation.sets.importing') : t('evaluation.sets.import')}
          </button>
        </div>
      </div>
      {importError && <ErrorMessage error={importError} onDismiss={() => evaluationStore.getState().clearImportError()} />}
      {removeError && <ErrorMessage error={removeError} />}
      {status === 'error' && error && (
        <>
          <p>{t('evaluation.sets.loadFailed')}</p>
          <ErrorMessage error={error} />
        </>
      )}
      {sets.length > 0 ? (
        <table className="data-table eval-sets-table">
          <thead>
            <tr>
              <th>{t('evaluation.columns.name')}</th>
              <th>{t('evaluation.columns.format')}</th>
              <th className="num">{t('evaluation.columns.items')}</th>
              <th>{t('evaluation.columns.tasks')}</th>
              <th>{t('evaluation.columns.warnings')}</th>
              <th>
                <span className="eval-sr-only">{t('evaluation.columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sets.map((set) => (
              <SetRow key={set.id} set={set} />
            ))}
          </tbody>
        </table>
      ) : (
        status === 'ready' && (
          <div className="eval-empty" data-testid="eval-sets-empty">
            <p>{t('evaluation.sets.empty')}</p>
            <p className="muted">{t('evaluation.sets.emptyHint')}</p>
            <div className="empty-actions">
              <button type="button" className="button button-primary" data-testid="eval-add-sample" disabled={importing !== null} onClick={() => void evaluationStore.getState().addSample()}>
                <Icon name="plus" size={14} />
                {importing === 'sample' ? t('evaluation.sets.adding') : t('evaluation.sets.addSample')}
              </button>
            </div>
          </div>
        )
      )}
      <p className="field-help">{t('evaluation.sets.formats')}</p>
      <SetPreviewPanel />
    </section>
  );
}
