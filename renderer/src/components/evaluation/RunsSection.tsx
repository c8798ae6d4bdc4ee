import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isErrorCode, type EvalRunSummary, type SerializedError } from '../../contract';
import { evaluationStore, useEvaluation } from '../../stores';
import { isRunActive } from '../../stores/evaluation';
import { formatDuration, formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';
import { runDetail } from './comparison';
import { formatPercent } from './formatScore';

/** A run's saved error as the UI translates it: by its code (one this renderer does not know reads as INTERNAL). */
function savedError(error: { code: string; message: string }): SerializedError {
  return { code: isErrorCode(error.code) ? error.code : 'INTERNAL', message: error.message };
}

/** A run's state as the user reads it; a failed run's error translated by its code. */
export function RunStatus({ run }: { run: EvalRunSummary }) {
  const { t } = useTranslation();
  return (
    <span className={`badge eval-status status-${run.status}`} data-testid="eval-run-status" data-status={run.status}>
      {t(`evaluation.status.${run.status}`)}
    </span>
  );
}

export function RunProgress({ run }: { run: EvalRunSummary }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const label = t('evaluation.runs.progressLabel', { label: run.label });
  return (
    <div className="eval-progress" data-testid="eval-run-progress" data-done={run.done} data-total={run.total}>
      <progress className="progress" max={Math.max(1, run.total)} value={run.done} aria-label={label} />
      <span className="eval-progress-text">
        {t('evaluation.runs.progress', { done: formatInteger(run.done, locale), total: formatInteger(run.total, locale) })}
        {isRunActive(run) && run.etaSeconds !== null && (
          <span className="muted" data-testid="eval-run-eta">
            {' · '}
            {t('evaluation.runs.eta', { time: formatDuration(run.etaSeconds * 1000, locale) })}
          </span>
        )}
      </span>
    </div>
  );
}

function RunRow({ run, selected, compared }: { run: EvalRunSummary; selected: boolean; compared: boolean }) {
  const { t, i18n } = useTranslation();
  const action = useEvaluation((s) => s.actions[run.id] ?? null);
  const [confirming, setConfirming] = useState(false);
  const active = isRunActive(run);
  const overall = run.stats.overall;
  return (
    <li className={`eval-run${selected ? ' is-selected' : ''}`} data-testid="eval-run" data-run-id={run.id} data-status={run.status} aria-current={selected ? 'true' : undefined}>
      <div className="eval-run-main">
        <label className="eval-check eval-compare-check" title={t('evaluation.runs.compareTooltip')}>
          <input type="checkbox" checked={compared} aria-label={t('evaluation.runs.compareLabel', { label: run.label })} onChange={() => evaluationStore.getState().toggleCompare(run.id)} />
        </label>
        <div className="eval-run-title">
          <div className="eval-run-label">{run.label}</div>
          <div className="muted eval-sub">
            {runDetail(run)} · {run.setName}
            {run.judge && ` · ${t('evaluation.runs.withJudge')}`}
          </div>
        </div>
        <RunStatus run={run} />
        {overall.n > 0 && (
          <span className="eval-run-score" data-testid="eval-run-accuracy" title={t('evaluation.results.accuracy')}>
            {formatPercent(overall.accuracy, i18n.language)}
          </span>
        )}
        <div className="eval-actions">
          <button type="button" className="button button-small" data-testid="eval-run-open" aria-pressed={selected} onClick={() => (selected ? evaluationStore.getState().closeRun() : void evaluationStore.getState().openRun(run.id))}>
            {selected ? t('evaluation.runs.hideResults') : t('evaluation.runs.results')}
          </button>
          {active ? (
            <button type="button" className="button button-small" data-testid="eval-run-pause" disabled={action !== null} onClick={() => void evaluationStore.getState().pause(run.id)}>
              {action === 'pausing' ? t('evaluation.runs.pausing') : t('evaluation.runs.pause')}
            </button>
          ) : (
            run.status !== 'complete' && (
              <button type="button" className="button button-small" data-testid="eval-run-resume" disabled={action !== null} onClick={() => void evaluationStore.getState().resume(run.id)}>
                {action === 'resuming' ? t('evaluation.runs.resuming') : t('evaluation.runs.resume')}
              </button>
            )
          )}
          {confirming ? (
            <InlineConfirm
              message={active ? t('evaluation.runs.confirmRemoveActive') : t('evaluation.runs.confirmRemove')}
              label={t('evaluation.runs.confirmRemove')}
              confirmLabel={t('evaluation.remove')}
              cancelLabel={t('evaluation.cancel')}
              confirmTestId="eval-run-remove-confirm"
              onConfirm={() => void evaluationStore.getState().removeRun(run.id)}
              onClose={() => setConfirming(false)}
            />
          ) : (
            <button type="button" className="button button-small" data-testid="eval-run-remove" disabled={action !== null} onClick={() => setConfirming(true)}>
              {t('evaluation.remove')}
            </button>
          )}
        </div>
      </div>
      <RunProgress run={run} />
      {run.status === 'failed' && run.error && <ErrorMessage error={savedError(run.error)} />}
    </li>
  );
}

export function RunsSection() {
  const { t } = useTranslation();
  const runs = useEvaluation((s) => s.runs);
  const status = useEvaluation((s) => s.runsStatus);
  const error = useEvaluation((s) => s.runsError);
  const selectedId = useEvaluation((s) => s.detail?.runId ?? null);
  const compareIds = useEvaluation((s) => s.compareIds);
  const actionError = useEvaluation((s) => s.actionError);
  return (
    <section className="eval-section" aria-labelledby="eval-runs-title" data-testid="eval-runs">
      <div className="eval-section-header">
        <h3 id="eval-runs-title">{t('evaluation.runs.title')}</h3>
        {runs.length > 1 && <span className="muted">{t('evaluation.runs.compareHint')}</span>}
      </div>
      {actionError && <ErrorMessage error={actionError.error} onDismiss={() => evaluationStore.getState().dismissActionError()} />}
      {status === 'error' && error && (
        <>
          <p>{t('evaluation.runs.loadFailed')}</p>
          <ErrorMessage error={error} />
        </>
      )}
      {runs.length > 0 ? (
        <ul className="eval-run-list" aria-label={t('evaluation.runs.title')}>
          {runs.map((run) => (
            <RunRow key={run.id} run={run} selected={run.id === selectedId} compared={compareIds.includes(run.id)} />
          ))}
        </ul>
      ) : (
        status === 'ready' && <p className="muted empty-list">{t('evaluation.runs.empty')}</p>
      )}
    </section>
  );
}
