import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Area, CartesianGrid, ComposedChart, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { GrpoStepPoint } from '../../../contract';
import { formatInteger, formatRate } from '../../../lib/format';
import { chartMargin, stepAxis, stepTooltip } from '../chartAxes';
import { ChartBox } from '../ChartBox';
import { formatLoss } from '../series';
import { formatReward, grpoChartRows } from './grpoSeries';

/**
 * A GRPO job's live charts: the mean reward with its spread over the group, the format and accuracy reward apart,
 * the answer length, the loss, and tokens/s for rollouts and updates. Loaded as its own chunk with the chart library;
 * series colours come from CSS (`.eval-series-N`) so both themes apply.
 */
export default function GrpoCharts({ series }: { series: readonly GrpoStepPoint[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const rows = useMemo(() => grpoChartRows(series), [series]);
  const last = series.at(-1);
  const stepLabel = t('grpo.charts.step');
  const tooltip = (format: (v: number) => string) => stepTooltip(stepLabel, format);
  const reward = (v: number) => formatReward(v, locale);
  const dots = rows.length < 30;
  if (rows.length === 0) return <p className="muted" data-testid="grpo-charts-empty">{t('grpo.charts.waiting')}</p>;
  return (
    <div className="train-charts" data-testid="grpo-charts" data-points={series.length}>
      <ChartBox
        title={t('grpo.charts.reward')}
        testId="grpo-chart-reward"
        label={t('grpo.charts.rewardLabel', { steps: series.length, mean: reward(last?.rewardMean ?? NaN), std: reward(last?.rewardStd ?? NaN) })}
      >
        <ComposedChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={48} tickFormatter={reward} domain={['auto', 'auto']} />
          <Tooltip {...tooltip(reward)} />
          <Legend />
          <Area type="monotone" dataKey="spread" name={t('grpo.charts.spread')} className="eval-series-0 grpo-band" isAnimationActive={false} />
          <Line type="monotone" dataKey="reward" name={t('grpo.charts.rewardMean')} className="eval-series-0" dot={dots} isAnimationActive={false} />
        </ComposedChart>
      </ChartBox>
      <ChartBox
        title={t('grpo.charts.parts')}
        testId="grpo-chart-parts"
        label={t('grpo.charts.partsLabel', { format: reward(last?.formatReward ?? NaN), accuracy: reward(last?.accuracyReward ?? NaN) })}
      >
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={48} tickFormatter={reward} domain={[0, 'auto']} />
          <Tooltip {...tooltip(reward)} />
          <Legend />
          <Line type="monotone" dataKey="format" name={t('grpo.charts.format')} className="eval-series-1" dot={dots} isAnimationActive={false} />
          <Line type="monotone" dataKey="accuracy" name={t('grpo.charts.accuracy')} className="eval-series-2" dot={dots} isAnimationActive={false} />
        </LineChart>
      </ChartBox>
      <ChartBox title={t('grpo.charts.length')} testId="grpo-chart-length" label={t('grpo.charts.lengthLabel', { tokens: formatInteger(Math.round(last?.length ?? 0), locale) })}>
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={48} tickFormatter={(v: number) => formatInteger(v, locale)} />
          <Tooltip {...tooltip((v) => formatInteger(Math.round(v), locale))} />
          <Line type="monotone" dataKey="length" name={t('grpo.charts.tokens')} className="eval-series-3" dot={dots} isAnimationActive={false} />
        </LineChart>
      </ChartBox>
      <ChartBox title={t('grpo.charts.loss')} testId="grpo-chart-loss" label={t('grpo.charts.lossLabel', { loss: formatLoss(last?.loss, locale) })}>
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={56} tickFormatter={(v: number) => formatLoss(v, locale)} domain={['auto', 'auto']} />
          <Tooltip {...tooltip((v) => formatLoss(v, locale))} />
          <Line type="monotone" dataKey="loss" name={t('grpo.charts.loss')} className="eval-series-4" dot={dots} isAnimationActive={false} connectNulls />
        </LineChart>
      </ChartBox>
      <ChartBox
        title={t('grpo.charts.speed')}
        testId="grpo-chart-speed"
        label={t('grpo.charts.speedLabel', { rollout: formatRate(last?.rolloutTokensPerSecond, locale), train: formatRate(last?.trainTokensPerSecond, locale) })}
      >
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={48} tickFormatter={(v: number) => formatRate(v, locale)} />
          <Tooltip {...tooltip((v) => formatRate(v, locale))} />
          <Legend />
          <Line type="monotone" dataKey="rollout" name={t('grpo.charts.rollout')} className="eval-series-5" dot={false} isAnimationActive={false} connectNulls />
          <Line type="monotone" dataKey="train" name={t('grpo.charts.train')} className="eval-series-6" dot={false} isAnimationActive={false} connectNulls />
        </LineChart>
      </ChartBox>
    </div>
  );
}
