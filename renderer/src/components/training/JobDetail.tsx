import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrainJobDetail } from '../../contract';
import { trainingStore, useTraining } from '../../stores';
import { formatInteger } from '../../lib/format';
import { JobProgress, JobStatus } from './JobsSection';
import { JobCostFigures, JobDetailFrame } from './JobDetailFrame';
import { formatLoss } from './series';

// The chart library is its own chunk: the panel shows before it loads.
const TrainingCharts = lazy(() => import('./TrainingCharts'));

function Samples({ detail }: { detail: TrainJobDetail }) {
  const { t } = useTranslation();
  if (detail.samples.length === 0) return null;
  const step = Math.max(...detail.samples.map((s) => s.step));
  const latest = detail.samples.filter((s) => s.step === step);
  return (
    <div className="train-samples" data-testid="train-samples">
      <h4>{t('training.detail.samples', { step })}</h4>
      <ul>
        {latest.map((sample, i) => (
          <li key={i} className="train-sample">
            <div className="train-sample-question">{sample.question}</div>
            <div className="muted eval-sub">{t('training.detail.reference', { reference: sample.reference })}</div>
            <pre className="eval-pre">{sample.output}</pre>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The open job: live charts, figures, the latest checkpoint's sample answers, notes, and the result when done. */
export function JobDetail() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const detail = useTraining((s) => s.detail);
  return (
    <JobDetailFrame testIdPrefix="train" detail={detail} onClose={() => trainingStore.getState().closeJob()} resultHelp={t('training.result.help')}>
      {(data) => (
        <>
          <div className="train-row">
            <JobStatus job={data} />
            <JobProgress job={data} />
          </div>
          <dl className="eval-figures">
            <div>
              <dt>{t('training.detail.loss')}</dt>
              <dd data-testid="train-detail-loss">{t('training.detail.lossValue', { first: formatLoss(data.firstLoss, locale), last: formatLoss(data.lastLoss, locale) })}</dd>
            </div>
            <div>
              <dt>{t('training.detail.validationLoss')}</dt>
              <dd>{formatLoss(data.lastValidationLoss, locale)}</dd>
            </div>
            <JobCostFigures elapsedSeconds={data.elapsedSeconds} peakMemoryBytes={data.peakMemoryBytes} />
            <div>
              <dt>{t('training.detail.examples')}</dt>
              <dd>{t('training.detail.examplesValue', { items: formatInteger(data.items, locale), validation: formatInteger(data.validationItems, locale) })}</dd>
            </div>
            <div>
              <dt>{t('training.detail.backend')}</dt>
              <dd>{data.backend ?? '—'}</dd>
            </div>
          </dl>
          <Suspense fallback={<p className="muted">{t('training.charts.loading')}</p>}>
            <TrainingCharts loss={data.loss} validation={data.validation} />
          </Suspense>
          <Samples detail={data} />
          {data.checkpoints.length > 0 && (
            <details className="train-notes">
              <summary>{t('training.detail.checkpoints', { count: data.checkpoints.length })}</summary>
              <ul>
                {data.checkpoints.map((c) => (
                  <li key={c.step}>
                    {t('training.detail.checkpointAt', { step: c.step })} <code className="eval-mono">{c.adapterPath}</code>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </JobDetailFrame>
  );
}
