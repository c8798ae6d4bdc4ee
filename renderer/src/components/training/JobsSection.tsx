import { useTranslation } from 'react-i18next';
import type { TrainJobSummary } from '../../contract';
import { trainingStore, useTraining } from '../../stores';
import { isJobActive } from '../../stores/training';
import { formatDuration, formatInteger, formatRate } from '../../lib/format';
import { JobList, JobRow, JobStatusBadge } from './JobRow';
import { formatLoss } from './series';

export function JobStatus({ job }: { job: TrainJobSummary }) {
  return <JobStatusBadge status={job.status} testIdPrefix="train" />;
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

function SftJobRow({ job, selected }: { job: TrainJobSummary; selected: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const action = useTraining((s) => s.actions[job.id] ?? null);
  return (
    <JobRow
      job={job}
      selected={selected}
      testIdPrefix="train"
      action={action}
      store={trainingStore.getState}
      detail={
        <>
          {t('training.jobs.detail', { model: job.modelName, items: formatInteger(job.items, locale), rank: job.config.rank, epochs: job.config.epochs })}
          {job.backend && ` · ${t('training.jobs.backend', { backend: job.backend })}`}
        </>
      }
      score={
        job.lastLoss !== null && (
          <span className="eval-run-score" data-testid="train-job-loss" title={t('training.jobs.lossTooltip')}>
            {t('training.jobs.loss', { first: formatLoss(job.firstLoss, locale), last: formatLoss(job.lastLoss, locale) })}
          </span>
        )
      }
      progress={<JobProgress job={job} />}
      footer={
        isJobActive(job) &&
        job.tokensPerSecond !== null && (
          <p className="muted eval-sub">
            {t('training.jobs.speed', { rate: formatRate(job.tokensPerSecond, locale) })}
            {job.checkpointStep !== null && ` · ${t('training.jobs.checkpoint', { step: job.checkpointStep })}`}
          </p>
        )
      }
    />
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
    <JobList
      testIdPrefix="train"
      title={t('training.jobs.title')}
      empty={t('training.jobs.empty')}
      status={status}
      error={error}
      actionError={actionError?.error ?? null}
      onDismissActionError={() => trainingStore.getState().dismissActionError()}
    >
      {jobs.map((job) => (
        <SftJobRow key={job.id} job={job} selected={job.id === selectedId} />
      ))}
    </JobList>
  );
}
