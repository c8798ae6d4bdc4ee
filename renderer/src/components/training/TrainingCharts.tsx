import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainLossPoint, TrainValidationPoint } from '../../contract';
import { formatBytes, formatRate } from '../../lib/format';
import { chartMargin, stepAxis, stepTooltip } from './chartAxes';
import { ChartBox } from './ChartBox';
import { chartRows, formatLoss } from './series';

/**
 * A job's live charts: training and validation loss per step, tokens/s and peak memory. Loaded as its own chunk with
 * the chart library; series colours come from CSS (`.eval-series-N`) so both themes apply.
 */
export default function TrainingCharts({ loss, validation }: { loss: readonly TrainLossPoint[]; validation: readonly TrainValidationPoint[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const rows = useMemo(() => chartRows(loss, validation), [loss, validation]);
  const last = loss.at(-1);
  const lastValidation = validation.at(-1);
  const stepLabel = t('training.charts.step');
  if (rows.length === 0) return <p className="muted" data-testid="train-charts-empty">{t('training.charts.waiting')}</p>;
  return (
    <div className="train-charts" data-testid="train-charts" data-points={loss.length}>
      <ChartBox
        title={t('training.charts.loss')}
        testId="train-chart-loss"
        label={t('training.charts.lossLabel', { steps: loss.length, loss: formatLoss(last?.loss, locale), validation: formatLoss(lastValidation?.loss, locale) })}
      >
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={48} tickFormatter={(v: number) => formatLoss(v, locale)} domain={['auto', 'auto']} />
          <Tooltip {...stepTooltip(stepLabel, (v) => formatLoss(v, locale))} />
          <Legend />
          <Line type="monotone" dataKey="loss" name={t('training.charts.trainLoss')} className="eval-series-0" dot={rows.length < 30} isAnimationActive={false} connectNulls />
          {validation.length > 0 && <Line type="monotone" dataKey="validation" name={t('training.charts.validationLoss')} className="eval-series-1" dot isAnimationActive={false} connectNulls />}
        </LineChart>
      </ChartBox>
      <ChartBox title={t('training.charts.speed')} testId="train-chart-speed" label={t('training.charts.speedLabel', { rate: formatRate(last?.tokensPerSecond, locale) })}>
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={48} tickFormatter={(v: number) => formatRate(v, locale)} />
          <Tooltip {...stepTooltip(stepLabel, (v) => formatRate(v, locale))} />
          <Line type="monotone" dataKey="tokensPerSecond" name={t('training.charts.tokensPerSecond')} className="eval-series-2" dot={false} isAnimationActive={false} connectNulls />
        </LineChart>
      </ChartBox>
      <ChartBox title={t('training.charts.memory')} testId="train-chart-memory" label={t('training.charts.memoryLabel', { memory: formatBytes(last?.peakMemoryBytes, locale) })}>
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} className="eval-chart-grid" />
          <XAxis {...stepAxis} />
          <YAxis width={64} tickFormatter={(v: number) => formatBytes(v, locale)} />
          <Tooltip {...stepTooltip(stepLabel, (v) => formatBytes(v, locale))} />
          <Line type="stepAfter" dataKey="memory" name={t('training.charts.peakMemory')} className="eval-series-3" dot={false} isAnimationActive={false} connectNulls />
        </LineChart>
      </ChartBox>
    </div>
  );
}
