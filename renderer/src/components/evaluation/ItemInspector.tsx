import { useTranslation } from 'react-i18next';
import { evaluationStore, useEvaluation } from '../../stores';
import { formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { useDialogFocus } from '../common/useDialogFocus';
import { InspectorPanel } from '../inspector/InspectorPanel';
import { formatSeconds } from './formatScore';

/**
 * One evaluated item in full, over the view: reference against prediction, the answer, the judge's words when a
 * judge graded it, the reasoning as written, and the reasoning inspector's check of it (arithmetic included).
 */
export function ItemInspector() {
  const { t, i18n } = useTranslation();
  const inspection = useEvaluation((s) => s.inspection);
  const closeRef = useDialogFocus(inspection !== null, { onClose: () => evaluationStore.getState().closeItem() });

  if (!inspection) return null;
  const { detail, check } = inspection;
  const locale = i18n.language;
  return (
    <div className="compare-overlay eval-item-overlay">
      <div className="compare-view eval-item-view" data-testid="eval-item-inspector" data-status={inspection.status} role="dialog" aria-modal="true" aria-labelledby="eval-item-title">
        <div className="compare-header">
          <h2 id="eval-item-title">{t('evaluation.item.title', { id: inspection.itemId })}</h2>
          <button ref={closeRef} type="button" className="button button-small" data-testid="eval-item-close" onClick={() => evaluationStore.getState().closeItem()}>
            <Icon name="close" size={13} />
            {t('evaluation.close')}
          </button>
        </div>
        <div className="eval-item-body">
          {inspection.status === 'loading' && <p className="muted">{t('evaluation.loading')}</p>}
          {inspection.error && !detail && <ErrorMessage error={inspection.error} />}
          {detail && (
            <>
              <dl className="eval-item-facts">
                <div>
                  <dt>{t('evaluation.columns.task')}</dt>
                  <dd>{t(`evaluation.tasks.${detail.task}`)}</dd>
                </div>
                <div>
                  <dt>{t('evaluation.columns.reference')}</dt>
                  <dd className="eval-mono" data-testid="eval-item-reference">
                    {detail.reference}
                  </dd>
                </div>
                <div>
                  <dt>{t('evaluation.columns.predicted')}</dt>
                  <dd className="eval-mono" data-testid="eval-item-predicted">
                    {detail.predicted ?? '—'}
                  </dd>
                </div>
                <div>
                  <dt>{t('evaluation.columns.correct')}</dt>
                  <dd data-testid="eval-item-correct" data-correct={String(detail.correct)}>
                    {detail.correct === null ? t('evaluation.results.notScored') : detail.correct ? t('evaluation.results.correctYes') : t('evaluation.results.correctNo')}
                    {detail.judged && <span className="badge eval-judged">{t('evaluation.results.judged')}</span>}
                  </dd>
                </div>
                <div>
                  <dt>{t('evaluation.columns.formatOk')}</dt>
                  <dd>{detail.formatOk ? t('evaluation.results.formatYes') : t('evaluation.results.formatNo')}</dd>
                </div>
                <div>
                  <dt>{t('evaluation.columns.tokens')}</dt>
                  <dd>
                    {formatInteger(detail.completionTokens, locale)} · {formatSeconds(detail.seconds, locale)}
                  </dd>
                </div>
              </dl>
              {detail.choices && (
                <ul className="eval-choices">
                  {Object.entries(detail.choices).map(([letter, text]) => (
                    <li key={letter}>
                      <b>{letter}.</b> {text}
                    </li>
                  ))}
                </ul>
              )}
              {detail.context && (
                <details className="eval-item-block">
                  <summary>{t('evaluation.item.context')}</summary>
                  <pre className="eval-pre">{detail.context}</pre>
                </details>
              )}
              <div className="eval-item-block">
                <div className="inspector-label">{t('evaluation.item.answer')}</div>
                <pre className="eval-pre" data-testid="eval-item-answer">
                  {detail.answer || '—'}
                </pre>
              </div>
              {detail.judgeOutput && (
                <details className="eval-item-block" open>
                  <summary>{t('evaluation.item.judge')}</summary>
                  <pre className="eval-pre">{detail.judgeOutput}</pre>
                </details>
              )}
              {detail.error && <p className="field-error">{detail.error}</p>}
              <details className="eval-item-block">
                <summary>{t('evaluation.item.output')}</summary>
                <pre className="eval-pre" data-testid="eval-item-output">
                  {detail.output}
                </pre>
              </details>
              <InspectorPanel
                result={check}
                question={detail.question}
                streaming={false}
                messageId={`eval:${inspection.runId}:${inspection.itemId}`}
                error={inspection.status === 'error' ? inspection.error : null}
                onRetry={() => void evaluationStore.getState().openItem(inspection.runId, inspection.itemId)}
                exportable={false}
              />
            </>
          )}
        </div>
      </div>
    </div>
  );
}
