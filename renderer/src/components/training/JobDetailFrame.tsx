import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainJobSummary } from '../../contract';
import type { OpenJobState } from '../../stores/jobList';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { formatBytes, formatDuration } from '../../lib/format';
import { AdapterResult } from './AdapterResult';
import { noteText } from './notes';

/** What the frame reads of an SFT or a GRPO job's detail. */
export type FramedJob = Pick<TrainJobSummary, 'name' | 'status' | 'modelPath' | 'outPath' | 'modelName'> & { warnings: readonly string[] };

/**
 * The open job's panel (SFT or GRPO), nothing when none is open: its name (or "loading"), the close button, a failed
 * load; once its detail is there, `children`'s figures and charts, its warnings, and its adapter when it is done. Test
 * ids `${testIdPrefix}-detail…`.
 */
export function JobDetailFrame<D extends FramedJob>({
  testIdPrefix,
  detail,
  onClose,
  resultHelp,
  children,
}: {
  testIdPrefix: string;
  /** The store's open job. */
  detail: OpenJobState<D> | null;
  onClose(): void;
  /** Under a finished job's adapter. */
  resultHelp: string;
  children(data: D): ReactNode;
}) {
  const { t } = useTranslation();
  if (!detail) return null;
  const data = detail.data;
  const titleId = `${testIdPrefix}-detail-title`;
  return (
    <section className="eval-section train-detail" aria-labelledby={titleId} data-testid={`${testIdPrefix}-detail`} data-status={data?.status ?? detail.status}>
      <div className="eval-section-header">
        <h3 id={titleId}>{data ? data.name : t('training.detail.loading')}</h3>
        <button type="button" className="icon-button" aria-label={t('training.detail.close')} title={t('training.detail.close')} onClick={onClose}>
          <Icon name="close" size={14} />
        </button>
      </div>
      {detail.status === 'error' && detail.error && <ErrorMessage error={detail.error} />}
      {data && (
        <>
          {children(data)}
          <JobWarnings warnings={data.warnings} />
          {data.status === 'complete' && <AdapterResult job={data} testIdPrefix={testIdPrefix} help={resultHelp} />}
        </>
      )}
    </section>
  );
}

/** The figures every job has, in its figure list: time spent and peak memory. */
export function JobCostFigures({ elapsedSeconds, peakMemoryBytes }: { elapsedSeconds: number; peakMemoryBytes: number | null | undefined }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <>
      <div>
        <dt>{t('training.detail.elapsed')}</dt>
        <dd>{formatDuration(elapsedSeconds * 1000, locale)}</dd>
      </div>
      <div>
        <dt>{t('training.detail.peakMemory')}</dt>
        <dd>{formatBytes(peakMemoryBytes, locale)}</dd>
      </div>
    </>
  );
}

/** A job's warnings, folded. */
export function JobWarnings({ warnings }: { warnings: readonly string[] }) {
  const { t } = useTranslation();
  if (warnings.length === 0) return null;
  return (
    <details className="train-notes is-warning">
      <summary>{t('training.preview.warnings', { count: warnings.length })}</summary>
      <ul>
        {warnings.map((w, i) => (
          <li key={i} title={w}>
            {noteText(t, w)}
          </li>
        ))}
      </ul>
    </details>
  );
}
