import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { grpoStore, useGrpo } from '../../../stores';
import { formatInteger, formatRate } from '../../../lib/format';
import { JobCostFigures, JobDetailFrame } from '../JobDetailFrame';
import { formatLoss } from '../series';
import { GrpoGroups } from './GrpoGroups';
import { GrpoJobProgress, GrpoJobStatus } from './GrpoJobs';
import { formatReward } from './grpoSeries';

// The chart library is its own chunk: the panel shows before it loads.
const GrpoCharts = lazy(() => import('./GrpoCharts'));

/** The open GRPO job: its figures, live charts, the groups of the recent steps, and its adapter when done. */
export function GrpoJobDetail() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const detail = useGrpo((s) => s.detail);
  return (
    <JobDetailFrame
      testIdPrefix="grpo"
      detail={detail}
      onClose={() => grpoStore.getState().closeJob()}
      /*
       * The output adapter is the whole adapter, also for a job that started from an SFT adapter: the trainer's
       * session loads the starting adapter into the LoRA tensors it trains (native/training.cpp, initAdapter) and
       * keeps only a frozen copy as the KL reference, so `save` writes the continued tensors, not a difference.
       * The chat and the comparison load it alone on the base model.
       */
      resultHelp={t('grpo.detail.resultHelp')}
    >
      {(data) => {
        const last = data.last;
        return (
          <>
            <div className="train-row">
              <GrpoJobStatus job={data} />
              <GrpoJobProgress job={data} />
            </div>
            <dl className="eval-figures">
              <div>
                <dt>{t('grpo.detail.reward')}</dt>
                <dd data-testid="grpo-detail-reward">{last ? t('grpo.detail.rewardValue', { mean: formatReward(last.rewardMean, locale), std: formatReward(last.rewardStd, locale) }) : '—'}</dd>
              </div>
              <div>
                <dt>{t('grpo.detail.parts')}</dt>
                <dd>{last ? t('grpo.detail.partsValue', { format: formatReward(last.formatReward, locale), accuracy: formatReward(last.accuracyReward, locale) }) : '—'}</dd>
              </div>
              <div>
                <dt>{t('grpo.detail.loss')}</dt>
                <dd>{formatLoss(last?.loss, locale)}</dd>
              </div>
              <div>
                <dt>{t('grpo.detail.speed')}</dt>
                <dd>{last ? t('grpo.detail.speedValue', { rollout: formatRate(last.rolloutTokensPerSecond, locale), train: formatRate(last.trainTokensPerSecond, locale) }) : '—'}</dd>
              </div>
              <JobCostFigures elapsedSeconds={data.elapsedSeconds} peakMemoryBytes={last?.peakMemoryBytes} />
              <div>
                <dt>{t('grpo.detail.sampling')}</dt>
                <dd>{t('grpo.detail.samplingValue', { group: data.config.group, prompts: data.config.promptsPerStep, temperature: data.config.temperature, topP: data.config.topP, beta: data.config.beta })}</dd>
              </div>
              <div>
                <dt>{t('grpo.detail.items')}</dt>
                <dd>{formatInteger(data.items, locale)}</dd>
              </div>
            </dl>
            {data.initAdapter && (
              <p className="muted eval-sub">
                {t('grpo.detail.initAdapter')} <code className="eval-mono">{data.initAdapter}</code>
              </p>
            )}
            <Suspense fallback={<p className="muted">{t('training.charts.loading')}</p>}>
              <GrpoCharts series={data.series} />
            </Suspense>
            <GrpoGroups detail={data} />
          </>
        );
      }}
    </JobDetailFrame>
  );
}
