import { useMemo, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { PUBLISHED_RESULTS, type EvalRunSummary } from '../../contract';
import { useEvaluation } from '../../stores';
import { chartTasks, comparisonData, type ChartCell, type ChartSeries, type ChartTask, type ComparisonData } from './comparison';

/** A 0% score keeps a 2px bar, so its interval's error bar still draws (zero-height bars are dropped); no score, no bar. */
const zeroBarHeight = (value: number | null | undefined) => (value === 0 ? 2 : 0);

/** Series colours come from CSS (`.eval-series-N`), so both themes set them; this is only the fallback. */
const seriesCount = 8;

function taskName(t: TFunction, task: ChartTask): string {
  return t(`evaluation.tasks.${task}`);
}

function cellText(t: TFunction, cell: ChartCell | undefined, locale: string): string {
  if (!cell || cell.value === null) return '—';
  const value = cell.value.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  if (!cell.error) return `${value}%`;
  const low = Math.max(0, cell.value - cell.error[0]).toLocaleString(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const high = Math.min(100, cell.value + cell.error[1]).toLocaleString(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  return t('evaluation.chart.valueWithCi', { value, low, high, n: cell.n ?? 0 });
}

function SeriesName({ series, index }: { series: ChartSeries; index: number }) {
  const { t } = useTranslation();
  return (
    <span className="eval-legend-name">
      <span className={`eval-swatch eval-series-${index % seriesCount}${series.kind === 'published' ? ' is-published' : ''}`} aria-hidden="true" />
      {series.label}
      {series.kind === 'published' && <span className="badge eval-published">{t('evaluation.chart.published')}</span>}
      {series.judged && <span className="badge eval-judged">{t('evaluation.results.judged')}</span>}
    </span>
  );
}

interface TooltipProps {
  active?: boolean;
  label?: string | number;
  data: ComparisonData;
}

function ChartTooltip({ active, label, data }: TooltipProps) {
  const { t, i18n } = useTranslation();
  if (!active || typeof label !== 'string') return null;
  const task = label as ChartTask;
  return (
    <div className="eval-chart-tooltip">
      <div className="eval-chart-tooltip-title">{taskName(t, task)}</div>
      {data.series.map((s, i) => (
        <div key={s.key} className="eval-chart-tooltip-row">
          <SeriesName series={s} index={i} />
          <span className="eval-mono">{cellText(t, data.cells[task]?.[s.key], i18n.language)}</span>
        </div>
      ))}
    </div>
  );
}

/**
 * Picked runs side by side per task, with their 95% intervals as error bars, next to the paper's published figures
 * (labelled as such). The same figures follow as a table, for screen readers and for copying.
 */
export function ComparisonChart() {
  const { t, i18n } = useTranslation();
  const runs = useEvaluation((s) => s.runs);
  const compareIds = useEvaluation((s) => s.compareIds);
  const [publishedOn, setPublishedOn] = useState<readonly string[]>(['DianJin-R1-7B', 'DianJin-R1-32B']);
  const picked = useMemo(() => compareIds.map((id) => runs.find((r) => r.id === id)).filter((r): r is EvalRunSummary => r !== undefined), [compareIds, runs]);
  const published = useMemo(() => PUBLISHED_RESULTS.filter((p) => publishedOn.includes(p.model)), [publishedOn]);
  const data = useMemo(() => comparisonData(picked, published), [picked, published]);
  const locale = i18n.language;

  return (
    <section className="eval-section" aria-labelledby="eval-chart-title" data-testid="eval-chart">
      <div className="eval-section-header">
        <h3 id="eval-chart-title">{t('evaluation.chart.title')}</h3>
      </div>
      <p className="field-help">{picked.length === 0 ? t('evaluation.chart.pickHint') : t('evaluation.chart.intro')}</p>
      <fieldset className="eval-published-picker">
        <legend>{t('evaluation.chart.publishedPicker')}</legend>
        {PUBLISHED_RESULTS.map((p) => (
          <label key={p.model} className="eval-check">
            <input
              type="checkbox"
              checked={publishedOn.includes(p.model)}
              onChange={(e) => setPublishedOn((on) => (e.target.checked ? [...on, p.model] : on.filter((m) => m !== p.model)))}
            />
            {p.model}
          </label>
        ))}
      </fieldset>
      {data.series.length > 0 && (
        <figure className="eval-chart-figure">
          <div className="eval-chart-box" role="img" aria-label={t('evaluation.chart.ariaLabel', { series: data.series.map((s) => s.label).join(', ') })}>
            <ResponsiveContainer width="100%" height={320}>
              <BarChart data={data.rows} margin={{ top: 12, right: 12, bottom: 4, left: 0 }} barCategoryGap="18%">
                <CartesianGrid vertical={false} className="eval-chart-grid" />
                <XAxis dataKey="task" tickFormatter={(task: ChartTask) => taskName(t, task)} tickLine={false} />
                <YAxis domain={[0, 100]} ticks={[0, 20, 40, 60, 80, 100]} tickFormatter={(v: number) => `${v}%`} width={44} />
                <Tooltip cursor={{ className: 'eval-chart-cursor' }} content={(props) => <ChartTooltip active={props.active} label={props.label as string} data={data} />} isAnimationActive={false} />
                {data.series.map((s, i) => (
                  <Bar key={s.key} dataKey={s.key} name={s.label} className={`eval-series-${i % seriesCount}${s.kind === 'published' ? ' is-published' : ''}`} fill="#5b8def" minPointSize={zeroBarHeight} isAnimationActive={false}>
                    {s.kind === 'run' && <ErrorBar dataKey={s.errorKey} width={5} strokeWidth={1.5} direction="y" />}
                  </Bar>
                ))}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <figcaption>
            <ul className="eval-legend" aria-label={t('evaluation.chart.legend')}>
              {data.series.map((s, i) => (
                <li key={s.key} title={s.detail}>
                  <SeriesName series={s} index={i} />
                  <span className="muted eval-sub">{s.detail}</span>
                </li>
              ))}
            </ul>
            <p className="field-help">{t('evaluation.chart.note')}</p>
          </figcaption>
        </figure>
      )}
      {data.series.length > 0 && (
        <details className="eval-chart-table">
          <summary>{t('evaluation.chart.asTable')}</summary>
          <table className="data-table" data-testid="eval-chart-table">
            <thead>
              <tr>
                <th>{t('evaluation.chart.series')}</th>
                {chartTasks.map((task) => (
                  <th key={task} className="num">
                    {taskName(t, task)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.series.map((s, i) => (
                <tr key={s.key} data-kind={s.kind}>
                  <th scope="row">
                    <SeriesName series={s} index={i} />
                  </th>
                  {chartTasks.map((task) => (
                    <td key={task} className="num">
                      {cellText(t, data.cells[task][s.key], locale)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
