import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvalResultRow, EvalRunDetail, EvalTask, EvalTaskScore } from '../../contract';
import { EVAL_TASKS } from '../../contract';
import { evaluationStore, useEvaluation } from '../../stores';
import { formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { runDetail } from './comparison';
import { formatInterval, formatNumber, formatPercent, formatSeconds } from './formatScore';
import { RunProgress, RunStatus } from './RunsSection';

const pageSize = 100;

function ScoreRow({ name, score, testId }: { name: string; score: EvalTaskScore; testId: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <tr data-testid={testId}>
      <th scope="row">
        {name}
        {score.judged > 0 && (
          <span className="badge eval-judged" title={t('evaluation.results.judgedTooltip', { count: score.judged })}>
            {t('evaluation.results.judged')}
          </span>
        )}
      </th>
      <td className="num">{formatInteger(score.n, locale)}</td>
      <td className="num">{formatInteger(score.correct, locale)}</td>
      <td className="num eval-accuracy" data-testid="eval-accuracy">
        {formatPercent(score.accuracy, locale)}
      </td>
      <td className="num" data-testid="eval-ci">
        {score.n > 0 ? formatInterval(score.ci, locale) : '—'}
      </td>
      <td className="num" data-testid="eval-format-rate">
        {score.n > 0 ? formatPercent(score.formatRate, locale) : '—'}
      </td>
    </tr>
  );
}

function ScoresTable({ run }: { run: EvalRunDetail }) {
  const { t } = useTranslation();
  const tasks = EVAL_TASKS.filter((task) => run.stats.tasks[task]);
  return (
    <table className="data-table eval-scores" data-testid="eval-scores" aria-label={t('evaluation.results.scores')}>
      <thead>
        <tr>
          <th>{t('evaluation.columns.task')}</th>
          <th className="num">{t('evaluation.results.n')}</th>
          <th className="num">{t('evaluation.results.correct')}</th>
          <th className="num">{t('evaluation.results.accuracy')}</th>
          <th className="num">{t('evaluation.results.ci')}</th>
          <th className="num">{t('evaluation.results.formatRate')}</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <ScoreRow key={task} name={t(`evaluation.tasks.${task}`)} score={run.stats.tasks[task]!} testId={`eval-score-${task}`} />
        ))}
        <ScoreRow name={t('evaluation.tasks.overall')} score={run.stats.overall} testId="eval-score-overall" />
      </tbody>
    </table>
  );
}

function RunFigures({ run }: { run: EvalRunDetail }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  return (
    <dl className="eval-figures" data-testid="eval-figures">
      <div>
        <dt>{t('evaluation.results.tokensPerItem')}</dt>
        <dd data-testid="eval-tokens-per-item">{formatNumber(run.stats.meanCompletionTokens, locale, 0)}</dd>
      </div>
      <div>
        <dt>{t('evaluation.results.secondsPerItem')}</dt>
        <dd data-testid="eval-seconds-per-item">{formatSeconds(run.stats.meanSecondsPerItem, locale)}</dd>
      </div>
      <div>
        <dt>{t('evaluation.results.tokensPerSecond')}</dt>
        <dd>{formatNumber(run.stats.tokensPerSecond, locale)}</dd>
      </div>
      <div>
        <dt>{t('evaluation.results.errors')}</dt>
        <dd>{formatInteger(run.stats.errors, locale)}</dd>
      </div>
      <div>
        <dt>{t('evaluation.results.sampling')}</dt>
        <dd>{t('evaluation.results.samplingValue', { temperature: run.sampling.temperature, topP: run.sampling.topP, maxTokens: formatInteger(run.sampling.maxTokens, locale) })}</dd>
      </div>
    </dl>
  );
}

function ExportButtons({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const exporting = useEvaluation((s) => (s.exporting?.startsWith(`${runId}:`) ? s.exporting.slice(runId.length + 1) : null));
  const error = useEvaluation((s) => (s.exportError?.runId === runId ? s.exportError.error : null));
  return (
    <div className="eval-export">
      <button type="button" className="button button-small" data-testid="eval-export-json" disabled={exporting !== null} onClick={() => void evaluationStore.getState().exportRun(runId, 'json')}>
        <Icon name="download" size={13} />
        {exporting === 'json' ? t('evaluation.export.exporting') : t('evaluation.export.json')}
      </button>
      <button type="button" className="button button-small" data-testid="eval-export-csv" disabled={exporting !== null} onClick={() => void evaluationStore.getState().exportRun(runId, 'csv')}>
        <Icon name="download" size={13} />
        {exporting === 'csv' ? t('evaluation.export.exporting') : t('evaluation.export.csv')}
      </button>
      {error && <ErrorMessage error={error} onDismiss={() => evaluationStore.getState().dismissExportError()} />}
    </div>
  );
}

function Mark({ value, yes, no }: { value: boolean | null; yes: string; no: string }) {
  const { t } = useTranslation();
  if (value === null) return <span className="muted">{t('evaluation.results.notScored')}</span>;
  return (
    <span className={value ? 'ok-text' : 'eval-wrong'} aria-label={value ? yes : no} title={value ? yes : no}>
      {value ? '✓' : '✗'}
    </span>
  );
}

function ItemRow({ row, runId }: { row: EvalResultRow; runId: string }) {
  const { t, i18n } = useTranslation();
  return (
    <tr data-testid="eval-result-row" data-item-id={row.itemId} data-correct={row.correct === null ? 'none' : String(row.correct)}>
      <td>{t(`evaluation.tasks.${row.task}`)}</td>
      <td className="eval-question">
        <button
          type="button"
          className="eval-link"
          data-testid="eval-result-open"
          aria-label={t('evaluation.results.openItem', { id: row.itemId })}
          title={t('evaluation.results.openItemTooltip')}
          onClick={() => void evaluationStore.getState().openItem(runId, row.itemId)}
        >
          {row.questionPreview}
        </button>
        {row.error && <div className="field-error">{row.error}</div>}
      </td>
      <td className="eval-mono">{row.reference}</td>
      <td className="eval-mono eval-predicted">{row.predicted ? <div className="eval-clamp" title={row.predicted}>{row.predicted}</div> : <span className="muted">—</span>}</td>
      <td className="eval-mark">
        <Mark value={row.correct} yes={t('evaluation.results.correctYes')} no={t('evaluation.results.correctNo')} />
        {row.judged && <span className="badge eval-judged">{t('evaluation.results.judged')}</span>}
      </td>
      <td className="eval-mark">
        <Mark value={row.formatOk} yes={t('evaluation.results.formatYes')} no={t('evaluation.results.formatNo')} />
      </td>
      <td className="num">{formatInteger(row.completionTokens, i18n.language)}</td>
      <td className="num">{formatSeconds(row.seconds, i18n.language)}</td>
    </tr>
  );
}

function ItemsTable({ run }: { run: EvalRunDetail }) {
  const { t, i18n } = useTranslation();
  const [task, setTask] = useState<EvalTask | 'all'>('all');
  const [wrongOnly, setWrongOnly] = useState(false);
  const [page, setPage] = useState(0);
  const tasks = EVAL_TASKS.filter((x) => run.stats.tasks[x] || run.rows.some((r) => r.task === x));
  const rows = useMemo(() => run.rows.filter((r) => (task === 'all' || r.task === task) && (!wrongOnly || r.correct === false || r.error !== null)), [run.rows, task, wrongOnly]);
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * pageSize, (current + 1) * pageSize);
  return (
    <section className="eval-items" aria-labelledby="eval-items-title">
      <div className="eval-section-header">
        <h4 id="eval-items-title">{t('evaluation.results.items')}</h4>
        <div className="eval-filters" role="group" aria-label={t('evaluation.results.filters')}>
          <label>
            {t('evaluation.results.taskFilter')}{' '}
            <select
              className="input"
              value={task}
              data-testid="eval-filter-task"
              onChange={(e) => {
                setTask(e.target.value as EvalTask | 'all');
                setPage(0);
              }}
            >
              <option value="all">{t('evaluation.results.allTasks')}</option>
              {tasks.map((x) => (
                <option key={x} value={x}>
                  {t(`evaluation.tasks.${x}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="eval-check">
            <input
              type="checkbox"
              checked={wrongOnly}
              data-testid="eval-filter-wrong"
              onChange={(e) => {
                setWrongOnly(e.target.checked);
                setPage(0);
              }}
            />
            {t('evaluation.results.wrongOnly')}
          </label>
          <span className="muted" data-testid="eval-items-count">
            {t('evaluation.results.shown', { count: rows.length, total: formatInteger(run.rows.length, i18n.language) })}
          </span>
        </div>
      </div>
      {shown.length > 0 ? (
        <div className="eval-table-scroll">
          <table className="data-table eval-results-table" aria-labelledby="eval-items-title">
            <thead>
              <tr>
                <th>{t('evaluation.columns.task')}</th>
                <th>{t('evaluation.columns.question')}</th>
                <th>{t('evaluation.columns.reference')}</th>
                <th>{t('evaluation.columns.predicted')}</th>
                <th>{t('evaluation.columns.correct')}</th>
                <th>{t('evaluation.columns.formatOk')}</th>
                <th className="num">{t('evaluation.columns.tokens')}</th>
                <th className="num">{t('evaluation.columns.seconds')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <ItemRow key={row.itemId} row={row} runId={run.id} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted empty-list">{run.rows.length === 0 ? t('evaluation.results.noItemsYet') : t('evaluation.results.noMatches')}</p>
      )}
      {pages > 1 && (
        <div className="eval-pager">
          <button type="button" className="button button-small" disabled={current === 0} onClick={() => setPage(current - 1)}>
            {t('evaluation.previous')}
          </button>
          <span className="muted">{t('evaluation.page', { page: current + 1, pages })}</span>
          <button type="button" className="button button-small" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            {t('evaluation.next')}
          </button>
        </div>
      )}
    </section>
  );
}

/** The results of the opened run: scores per task, figures, export, and the items. */
export function RunResults() {
  const { t } = useTranslation();
  const detail = useEvaluation((s) => s.detail);
  if (!detail) return null;
  const run = detail.data;
  return (
    <section className="eval-section eval-results" data-testid="eval-results" data-status={run?.status} aria-labelledby="eval-results-title">
      <div className="eval-section-header">
        <div>
          <h3 id="eval-results-title">{run ? t('evaluation.results.title', { label: run.label }) : t('evaluation.loading')}</h3>
          {run && (
            <div className="muted eval-sub">
              {runDetail(run)} · {run.setName}
            </div>
          )}
        </div>
        <div className="page-header-actions">
          {run && <ExportButtons runId={run.id} />}
          <button type="button" className="icon-button" aria-label={t('evaluation.close')} title={t('evaluation.close')} onClick={() => evaluationStore.getState().closeRun()}>
            <Icon name="close" size={13} />
          </button>
        </div>
      </div>
      {detail.status === 'error' && detail.error && <ErrorMessage error={detail.error} />}
      {run && (
        <>
          <div className="eval-results-status">
            <RunStatus run={run} />
            <RunProgress run={run} />
          </div>
          {run.judge && <p className="field-help">{t('evaluation.results.judgeNote')}</p>}
          <ScoresTable run={run} />
          <RunFigures run={run} />
          <ItemsTable run={run} />
        </>
      )}
    </section>
  );
}
