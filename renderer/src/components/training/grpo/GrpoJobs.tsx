import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GrpoJobSummary } from '../../../contract';
import { grpoStore, useGrpo } from '../../../stores';
import { isJobActive } from '../../../stores/training';
import { formatDuration, formatInteger } from '../../../lib/format';
import { ErrorMessage } from '../../common/ErrorMessage';
import { InlineConfirm } from '../../common/InlineConfirm';
import { formatReward } from './grpoSeries';

export function GrpoJobStatus({ job }: { job: GrpoJobSummary }) {
  const { t } = useTranslation();
  return (
    <span className={`badge eval-status status-${job.status}`} data-testid="grpo-job-status" data-status={job.status}>
      {t(`training.status.${job.status}`)}
    </span>
  );
}

export function GrpoJobProgress({ job }: { job: GrpoJobSummary }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <div className="eval-progress" data-testid="grpo-job-progress" data-step={job.step} data-total={job.totalSteps}>
      <progress className="progress" max={Math.max(1, job.totalSteps)} value={job.step} aria-label={t('training.jobs.progressLabel', { name: job.name })} />
      <span className="eval-progress-text">
        {t('training.jobs.steps', { step: formatInteger(job.step, locale), total: formatInteger(job.totalSteps, locale) })}
        {isJobActive(job) && job.etaSeconds !== null && (
          <span className="muted">
            {' · '}
            {t('training.jobs.eta', { time: formatDuration(job.etaSeconds * 1000, locale) })}
          </span>
        )}
      </span>
    </div>
  );
}

function JobRow({ job, selected }: { job: GrpoJobSummary; selected: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const action = useGrpo((s) => s.actions[job.id] ?? null);
  const [confirming, setConfirming] = useState<'cancel' | 'remove' | null>(null);
  const active = isJobActive(job);
  const store = grpoStore.getState();
  return (
    <li className={`eval-run${selected ? ' is-selected' : ''}`} data-testid="grpo-job" data-job-id={job.id} data-status={job.status} aria-current={selected ? 'true' : undefined}>
      <div className="eval-run-main">
        <div className="eval-run-title">
          <div className="eval-run-label">{job.name}</div>
          <div className="muted eval-sub">
            {t('grpo.jobs.detail', { model: job.modelName, items: formatInteger(job.items, locale), group: job.config.group })}
            {job.initAdapter && ` · ${t('grpo.jobs.fromAdapter')}`}
          </div>
        </div>
        <GrpoJobStatus job={job} />
        {job.last && (
          <span className="eval-run-score" data-testid="grpo-job-reward" title={t('grpo.jobs.rewardTooltip')}>
            {t('grpo.jobs.reward', { reward: formatReward(job.last.rewardMean, locale) })}
          </span>
        )}
        <div className="eval-actions">
          <button type="button" className="button button-small" data-testid="grpo-job-open" aria-pressed={selected} onClick={() => (selected ? store.closeJob() : void store.openJob(job.id))}>
            {selected ? t('training.jobs.hide') : t('training.jobs.open')}
          </button>
          {active && (
            <button type="button" className="button button-small" data-testid="grpo-job-pause" disabled={action !== null} onClick={() => void store.pause(job.id)}>
              {action === 'pausing' ? t('training.jobs.pausing') : t('training.jobs.pause')}
            </button>
          )}
          {(job.status === 'paused' || job.status === 'failed') && (
            <button type="button" className="button button-small" data-testid="grpo-job-resume" disabled={action !== null} onClick={() => void store.resume(job.id)}>
              {action === 'resuming' ? t('training.jobs.resuming') : t('training.jobs.resume')}
            </button>
          )}
          {confirming ? (
            <InlineConfirm
              message={confirming === 'cancel' ? t('training.jobs.confirmCancel') : active ? t('training.jobs.confirmRemoveActive') : t('training.jobs.confirmRemove')}
              label={confirming === 'cancel' ? t('training.jobs.confirmCancel') : t('training.jobs.confirmRemove')}
              confirmLabel={confirming === 'cancel' ? t('training.jobs.cancelJob') : t('training.remove')}
              cancelLabel={t('training.back')}
              confirmTestId={`grpo-job-${confirming}-confirm`}
              onConfirm={() => void (confirming === 'cancel' ? store.cancel(job.id) : store.remove(job.id))}
              onClose={() => setConfirming(null)}
            />
          ) : (
            <>
              {(active || job.status === 'paused' || job.status === 'failed') && (
                <button type="button" className="button button-small" data-testid="grpo-job-cancel" disabled={action !== null} onClick={() => setConfirming('cancel')}>
                  {action === 'cancelling' ? t('training.jobs.cancelling') : t('training.jobs.cancelJob')}
                </button>
              )}
              <button type="button" className="button button-small" data-testid="grpo-job-remove" disabled={action !== null} onClick={() => setConfirming('remove')}>
                {t('training.remove')}
              </button>
            </>
          )}
        </div>
      </div>
      <GrpoJobProgress job={job} />
      {job.status === 'failed' && job.error && <ErrorMessage error={job.error} />}
      {job.checkpointStep !== null && (
        <p className="muted eval-sub" data-testid="grpo-job-checkpoint">
          {t('training.jobs.checkpoint', { step: job.checkpointStep })}
        </p>
      )}
    </li>
  );
}

export function GrpoJobs() {
  const { t } = useTranslation();
  const jobs = useGrpo((s) => s.jobs);
  const status = useGrpo((s) => s.jobsStatus);
  const error = useGrpo((s) => s.jobsError);
  const selectedId = useGrpo((s) => s.detail?.jobId ?? null);
  const actionError = useGrpo((s) => s.actionError);
  return (
    <section className="eval-section" aria-labelledby="grpo-jobs-title" data-testid="grpo-jobs">
      <div className="eval-section-header">
        <h3 id="grpo-jobs-title">{t('grpo.jobs.title')}</h3>
      </div>
      {actionError && <ErrorMessage error={actionError.error} onDismiss={() => grpoStore.getState().dismissActionError()} />}
      {status === 'error' && error && (
        <>
          <p>{t('training.jobs.loadFailed')}</p>
          <ErrorMessage error={error} />
        </>
      )}
      {jobs.length > 0 ? (
        <ul className="eval-run-list" aria-label={t('grpo.jobs.title')}>
          {jobs.map((job) => (
            <JobRow key={job.id} job={job} selected={job.id === selectedId} />
          ))}
        </ul>
      ) : (
        status === 'ready' && <p className="muted empty-list">{t('grpo.jobs.empty')}</p>
      )}
    </section>
  );
}
