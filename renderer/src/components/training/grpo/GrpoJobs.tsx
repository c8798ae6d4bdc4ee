import { useTranslation } from 'react-i18next';
import type { GrpoJobSummary } from '../../../contract';
import { grpoStore, useGrpo } from '../../../stores';
import { isJobActive } from '../../../stores/training';
import { formatDuration, formatInteger } from '../../../lib/format';
import { JobList, JobRow, JobStatusBadge } from '../JobRow';
import { formatReward } from './grpoSeries';

export function GrpoJobStatus({ job }: { job: GrpoJobSummary }) {
  return <JobStatusBadge status={job.status} testIdPrefix="grpo" />;
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

function GrpoJobRow({ job, selected }: { job: GrpoJobSummary; selected: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const action = useGrpo((s) => s.actions[job.id] ?? null);
  return (
    <JobRow
      job={job}
      selected={selected}
      testIdPrefix="grpo"
      action={action}
      store={grpoStore.getState}
      detail={
        <>
          {t('grpo.jobs.detail', { model: job.modelName, items: formatInteger(job.items, locale), group: job.config.group })}
          {job.initAdapter && ` · ${t('grpo.jobs.fromAdapter')}`}
        </>
      }
      score={
        job.last && (
          <span className="eval-run-score" data-testid="grpo-job-reward" title={t('grpo.jobs.rewardTooltip')}>
            {t('grpo.jobs.reward', { reward: formatReward(job.last.rewardMean, locale) })}
          </span>
        )
      }
      progress={<GrpoJobProgress job={job} />}
      footer={
        job.checkpointStep !== null && (
          <p className="muted eval-sub" data-testid="grpo-job-checkpoint">
            {t('training.jobs.checkpoint', { step: job.checkpointStep })}
          </p>
        )
      }
    />
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
    <JobList
      testIdPrefix="grpo"
      title={t('grpo.jobs.title')}
      empty={t('grpo.jobs.empty')}
      status={status}
      error={error}
      actionError={actionError?.error ?? null}
      onDismissActionError={() => grpoStore.getState().dismissActionError()}
    >
      {jobs.map((job) => (
        <GrpoJobRow key={job.id} job={job} selected={job.id === selectedId} />
      ))}
    </JobList>
  );
}
