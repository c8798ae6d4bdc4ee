import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerializedError, TrainJobSummary } from '../../contract';
import { isJobActive, type JobAction, type LoadStatus } from '../../stores/training';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';

/** What a job row needs of an SFT or a GRPO job. */
export type JobRowJob = Pick<TrainJobSummary, 'id' | 'name' | 'status' | 'error'>;

/** What a row can ask of its store (the SFT and the GRPO store both have these). */
export interface JobRowActions {
  openJob(jobId: string): Promise<void>;
  closeJob(): void;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  cancel(jobId: string): Promise<void>;
  remove(jobId: string): Promise<boolean>;
}

/** The test ids are `${testIdPrefix}-job-…` (`train` for SFT, `grpo` for GRPO). */
export function JobStatusBadge({ status, testIdPrefix }: { status: TrainJobSummary['status']; testIdPrefix: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge eval-status status-${status}`} data-testid={`${testIdPrefix}-job-status`} data-status={status}>
      {t(`training.status.${status}`)}
    </span>
  );
}

/** One job in a list: its status, what it reports, open/pause/resume/cancel/remove, its progress and error. */
export function JobRow({
  job,
  selected,
  testIdPrefix,
  action,
  store,
  detail,
  score,
  progress,
  footer,
}: {
  job: JobRowJob;
  selected: boolean;
  testIdPrefix: string;
  action: JobAction | null;
  /** Read when a button is pressed (the store's current actions). */
  store: () => JobRowActions;
  /** The line under the name. */
  detail: ReactNode;
  /** Shown beside the status (the last loss or reward). */
  score: ReactNode;
  progress: ReactNode;
  /** Shown under the progress (speed, checkpoint). */
  footer: ReactNode;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState<'cancel' | 'remove' | null>(null);
  const active = isJobActive(job);
  const id = (name: string) => `${testIdPrefix}-job-${name}`;
  return (
    <li className={`eval-run${selected ? ' is-selected' : ''}`} data-testid={`${testIdPrefix}-job`} data-job-id={job.id} data-status={job.status} aria-current={selected ? 'true' : undefined}>
      <div className="eval-run-main">
        <div className="eval-run-title">
          <div className="eval-run-label">{job.name}</div>
          <div className="muted eval-sub">{detail}</div>
        </div>
        <JobStatusBadge status={job.status} testIdPrefix={testIdPrefix} />
        {score}
        <div className="eval-actions">
          <button type="button" className="button button-small" data-testid={id('open')} aria-pressed={selected} onClick={() => (selected ? store().closeJob() : void store().openJob(job.id))}>
            {selected ? t('training.jobs.hide') : t('training.jobs.open')}
          </button>
          {active && (
            <button type="button" className="button button-small" data-testid={id('pause')} disabled={action !== null} onClick={() => void store().pause(job.id)}>
              {action === 'pausing' ? t('training.jobs.pausing') : t('training.jobs.pause')}
            </button>
          )}
          {(job.status === 'paused' || job.status === 'failed') && (
            <button type="button" className="button button-small" data-testid={id('resume')} disabled={action !== null} onClick={() => void store().resume(job.id)}>
              {action === 'resuming' ? t('training.jobs.resuming') : t('training.jobs.resume')}
            </button>
          )}
          {confirming ? (
            <InlineConfirm
              message={confirming === 'cancel' ? t('training.jobs.confirmCancel') : active ? t('training.jobs.confirmRemoveActive') : t('training.jobs.confirmRemove')}
              label={confirming === 'cancel' ? t('training.jobs.confirmCancel') : t('training.jobs.confirmRemove')}
              confirmLabel={confirming === 'cancel' ? t('training.jobs.cancelJob') : t('training.remove')}
              cancelLabel={t('training.back')}
              confirmTestId={id(`${confirming}-confirm`)}
              onConfirm={() => void (confirming === 'cancel' ? store().cancel(job.id) : store().remove(job.id))}
              onClose={() => setConfirming(null)}
            />
          ) : (
            <>
              {(active || job.status === 'paused' || job.status === 'failed') && (
                <button type="button" className="button button-small" data-testid={id('cancel')} disabled={action !== null} onClick={() => setConfirming('cancel')}>
                  {action === 'cancelling' ? t('training.jobs.cancelling') : t('training.jobs.cancelJob')}
                </button>
              )}
              <button type="button" className="button button-small" data-testid={id('remove')} disabled={action !== null} onClick={() => setConfirming('remove')}>
                {t('training.remove')}
              </button>
            </>
          )}
        </div>
      </div>
      {progress}
      {job.status === 'failed' && job.error && <ErrorMessage error={job.error} />}
      {footer}
    </li>
  );
}

/** The jobs section around the rows: its title, a failed action, a failed load, the empty note. */
export function JobList({
  testIdPrefix,
  title,
  empty,
  status,
  error,
  actionError,
  onDismissActionError,
  children,
}: {
  testIdPrefix: string;
  title: string;
  empty: string;
  status: LoadStatus;
  error: SerializedError | null;
  actionError: SerializedError | null;
  onDismissActionError(): void;
  /** The rows; none shows the empty note once loaded. */
  children: ReactNode[];
}) {
  const { t } = useTranslation();
  const titleId = `${testIdPrefix}-jobs-title`;
  return (
    <section className="eval-section" aria-labelledby={titleId} data-testid={`${testIdPrefix}-jobs`}>
      <div className="eval-section-header">
        <h3 id={titleId}>{title}</h3>
      </div>
      {actionError && <ErrorMessage error={actionError} onDismiss={onDismissActionError} />}
      {status === 'error' && error && (
        <>
          <p>{t('training.jobs.loadFailed')}</p>
          <ErrorMessage error={error} />
        </>
      )}
      {children.length > 0 ? (
        <ul className="eval-run-list" aria-label={title}>
          {children}
        </ul>
      ) : (
        status === 'ready' && <p className="muted empty-list">{empty}</p>
      )}
    </section>
  );
}
