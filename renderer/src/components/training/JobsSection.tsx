import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainJobSummary } from '../../contract';
import { trainingStore, useTraining } from '../../stores';
import { isJobActive } from '../../stores/training';
import { formatDuration, formatInteger, formatRate } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';
import { formatLoss } from './series';

export function JobStatus({ job }: { job: TrainJobSummary }) {
  const { t } = useTranslation();
  return (
    <span className={`badge eval-status status-${job.status}`} data-testid="train-job-status" data-status={job.status}>
      {t(`training.status.${job.status}`)}
    </span>
  );
}

export function JobProgress({ job }: { job: TrainJobSummary }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const total = job.totalSteps;
  return (
    <div className="eval-progress" data-testid="train-job-progress" data-step={job.step} data-total={total ?? ''}>
      <progress className="progress" max={Math.max(1, total ?? 1)} value={total === null ? undefined : job.step} aria-label={t('training.jobs.progressLabel', { name: job.name })} />
      <span className="eval-progress-text">
        {total === null ? t('training.jobs.stepsUnknown', { step: formatInteger(job.step, locale) }) : t('training.jobs.steps', { step: formatInteger(job.step, locale), total: formatInteger(total, locale) })}
        {isJobActive(job) && job.etaSeconds !== null && (
          <span className="muted" data-testid="train-job-eta">
            {' · '}
            {t('training.jobs.eta', { time: formatDuration(job.etaSeconds * 1000, locale) })}
          </span>
        )}
      </span>
    </div>
  );
}

function JobRow({ job, selected }: { job: TrainJobSummary; selected: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const action = useTraining((s) => s.actions[job.id] ?? null);
  const [confirming, setConfirming] = useState<'cancel' | 'remove' | null>(null);
  const active = isJobActive(job);
  const store = trainingStore.getState();
  return (
    <li className={`eval-run${selected ? ' is-selected' : ''}`} data-testid="train-job" data-job-id={job.id} data-status={job.status} aria-current={selected ? 'true' : undefined}>
      <div className="eval-run-main">
        <div className="eval-run-title">
          <div className="eval-run-label">{job.name}</div>
          <div className="muted eval-sub">
            {t('training.jobs.detail', { model: job.modelName, items: formatInteger(job.items, locale), rank: job.config.rank, epochs: job.config.epochs })}
            {job.backend && ` · ${t('training.jobs.backend', { backend: job.backend })}`}
          </div>
        </div>
        <JobStatus job={job} />
        {job.lastLoss !== null && (
          <span className="eval-run-score" data-testid="train-job-loss" title={t('training.jobs.lossTooltip')}>
            {t('training.jobs.loss', { first: formatLoss(job.firstLoss, locale), last: formatLoss(job.lastLoss, locale) })}
          </span>
        )}
        <div className="eval-actions">
          <button type="button" className="button button-small" data-testid="train-job-open" aria-pressed={selected} onClick={() => (selected ? store.closeJob() : void store.openJob(job.id))}>
            {selected ? t('training.jobs.hide') : t('training.jobs.open')}
          </button>
          {active && (
            <button type="button" className="button button-small" data-testid="train-job-pause" disabled={action !== null} onClick={() => void store.pause(job.id)}>
              {action === 'pausing' ? t('training.jobs.pausing') : t('training.jobs.pause')}
            </button>
          )}
          {(job.status === 'paused' || job.status === 'failed') && (
            <button type="button" className="button button-small" data-testid="train-job-resume" disabled={action !== null} onClick={() => void store.resume(job.id)}>
              {action === 'resuming' ? t('training.jobs.resuming') : t('training.jobs.resume')}
            </button>
          )}
          {confirming ? (
            <InlineConfirm
              message={confirming === 'cancel' ? t('training.jobs.confirmCancel') : active ? t('training.jobs.confirmRemoveActive') : t('training.jobs.confirmRemove')}
              label={confirming === 'cancel' ? t('training.jobs.confirmCancel') : t('training.jobs.confirmRemove')}
              confirmLabel={confirming === 'cancel' ? t('training.jobs.cancelJob') : t('training.remove')}
              cancelLabel={t('training.back')}
              confirmTestId={`train-job-${confirming}-confirm`}
              onConfirm={() => void (confirming === 'cancel' ? store.cancel(job.id) : store.remove(job.id))}
              onClose={() => setConfirming(null)}
            />
          ) : (
            <>
              {(active || job.status === 'paused' || job.status === 'failed') && (
                <button type="button" className="button button-small" data-testid="train-job-cancel" disabled={action !== null} onClick={() => setConfirming('cancel')}>
                  {action === 'cancelling' ? t('training.jobs.cancelling') : t('training.jobs.cancelJob')}
                </button>
              )}
              <button type="button" className="button button-small" data-testid="train-job-remove" disabled={action !== null} onClick={() => setConfirming('remove')}>
                {t('training.remove')}
              </button>
            </>
          )}
        </div>
      </div>
      <JobProgress job={job} />
      {job.status === 'failed' && job.error && <ErrorMessage error={job.error} />}
      {active && job.tokensPerSecond !== null && (
        <p className="muted eval-sub">
          {t('training.jobs.speed', { rate: formatRate(job.tokensPerSecond, locale) })}
          {job.checkpointStep !== null && ` · ${t('training.jobs.checkpoint', { step: job.checkpointStep })}`}
        </p>
      )}
    </li>
  );
}

export function JobsSection() {
  const { t } = useTranslation();
  const jobs = useTraining((s) => s.jobs);
  const status = useTraining((s) => s.jobsStatus);
  const error = useTraining((s) => s.jobsError);
  const selectedId = useTraining((s) => s.detail?.jobId ?? null);
  const actionError = useTraining((s) => s.actionError);
  return (
    <section className="eval-section" aria-labelledby="train-jobs-title" data-testid="train-jobs">
      <div className="eval-section-header">
        <h3 id="train-jobs-title">{t('training.jobs.title')}</h3>
      </div>
      {actionError && <ErrorMessage error={actionError.error} onDismiss={() => trainingStore.getState().dismissActionError()} />}
      {status === 'error' && error && (
        <>
          <p>{t('training.jobs.loadFailed')}</p>
          <ErrorMessage error={error} />
        </>
      )}
      {jobs.length > 0 ? (
        <ul className="eval-run-list" aria-label={t('training.jobs.title')}>
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} selected={job.id === selectedId} />
          ))}
        </ul>
      ) : (
        status === 'ready' && <p className="muted empty-list">{t('training.jobs.empty')}</p>
      )}
    </section>
  );
}
