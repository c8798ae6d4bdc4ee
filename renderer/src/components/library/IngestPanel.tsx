import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { libraryStore, useLibrary } from '../../stores';
import { isFinished, type IngestRow } from '../../stores/library';
import { errorText } from '../../i18n';
import { warningText } from '../../lib/documentWarnings';
import { Icon } from '../common/Icon';

/** 0..100 for the bar: upload progress while uploading, pages read afterwards; null when not known (indeterminate). */
function percentOf(row: IngestRow): number | null {
  if (row.phase === 'uploading') return row.uploaded === null ? null : Math.round(row.uploaded * 100);
  if (row.phase === 'done') return 100;
  if (row.phase === 'waiting') return 0;
  if (row.pagesTotal && row.pagesTotal > 0) return Math.min(100, Math.round((row.pagesDone / row.pagesTotal) * 100));
  return null;
}

/**
 * One file's row: phase, a progress bar, and what came of it. `kind` picks the words: adding a file, or embedding a
 * document for meaning search (the Library's and Settings' "Build meaning index").
 */
export const IngestRowView = memo(function IngestRowView({ row, kind = 'ingest' }: { row: IngestRow; kind?: 'ingest' | 'meaningIndex' }) {
  const { t } = useTranslation();
  const phase = t(`library.${kind}.phases.${row.phase}`);
  const percent = percentOf(row);
  const finished = isFinished(row);
  let detail: string | null = null;
  if (row.phase === 'uploading' && percent !== null) detail = t('library.ingest.uploadProgress', { percent });
  // While embedding, the server counts passages (chunks), not pages.
  else if (!finished && row.phase === 'embedding' && row.pagesTotal) detail = t('library.ingest.chunksProgress', { done: row.pagesDone, total: row.pagesTotal });
  else if (!finished && row.pagesTotal) detail = t('library.ingest.pagesProgress', { done: row.pagesDone, total: row.pagesTotal });
  else if (!finished && row.pagesDone > 0) detail = t('library.ingest.pagesDone', { done: row.pagesDone });
  const document = row.document;
  return (
    <li className={`ingest-row phase-${row.phase}`} data-testid={kind === 'ingest' ? 'ingest-row' : 'embed-row'} data-phase={row.phase} data-file-name={row.fileName}>
      <div className="ingest-row-head">
        <Icon name="file" size={14} className="ingest-file-icon" />
        <span className="ingest-file-name" title={row.fileName}>
          {row.fileName}
        </span>
        <span className={`ingest-phase phase-${row.phase}`}>{phase}</span>
        {detail && <span className="ingest-detail">{detail}</span>}
        {document && (
          <span className="ingest-result" data-testid="ingest-result">
            <span data-testid="ingest-pages">{t('library.pages', { count: document.pageCount })}</span>
            <span data-testid="ingest-tables">{document.tableCount > 0 ? t('library.tables', { count: document.tableCount }) : t('library.noTables')}</span>
            {document.duplicate && <span className="badge">{t('library.ingest.duplicate')}</span>}
          </span>
        )}
      </div>
      {!finished && (
        <progress
          className={`progress ingest-progress${percent === null ? ' is-indeterminate' : ''}`}
          data-testid={kind === 'ingest' ? 'ingest-progress' : 'embed-progress'}
          aria-label={t('library.ingest.progressLabel', { name: row.fileName, phase })}
          {...(percent === null ? {} : { value: percent, max: 100 })}
        />
      )}
      {document && document.warnings.length > 0 && (
        <ul className="ingest-warnings">
          {document.warnings.map((warning, i) => (
            <li key={i} className="warning-text" data-testid="ingest-warning">
              ⚠ {warningText(t, warning)}
            </li>
          ))}
        </ul>
      )}
      {row.phase === 'failed' && !row.error && kind === 'meaningIndex' && (
        <div className="ingest-error" data-testid="ingest-error" role="alert">
          {t('library.meaningIndex.rowFailed')}
        </div>
      )}
      {row.phase === 'failed' && row.error && (
        <div className="ingest-error" data-testid="ingest-error" data-code={row.error.code} role="alert">
          {errorText(t, row.error)}
          {row.error.message && row.error.message !== errorText(t, row.error) && <span className="ingest-error-detail">{row.error.message}</span>}
        </div>
      )}
    </li>
  );
});

/** One row per file being added: phase, a progress bar, and what came of it; Cancel stops the batch. */
export function IngestPanel() {
  const { t } = useTranslation();
  const rows = useLibrary((s) => s.ingest);
  const running = useLibrary((s) => s.ingesting > 0);
  if (rows.length === 0) return null;
  const done = rows.filter((r) => r.phase === 'done').length;
  return (
    <section className="ingest-panel" data-testid="ingest-panel" data-running={running} aria-label={t('library.ingest.title')}>
      <div className="ingest-header">
        <h3>{t('library.ingest.title')}</h3>
        <span className="muted" role="status">
          {t('library.ingest.summary', { done, total: rows.length })}
        </span>
        <div className="ingest-actions">
          {running ? (
            <button type="button" className="button button-small" data-testid="ingest-cancel" title={t('library.ingest.cancelTooltip')} onClick={() => libraryStore.getState().cancelIngest()}>
              <Icon name="stop" size={12} />
              {t('library.ingest.cancel')}
            </button>
          ) : (
            <button type="button" className="button button-small" data-testid="ingest-clear" title={t('library.ingest.clearTooltip')} onClick={() => libraryStore.getState().clearIngest()}>
              {t('library.ingest.clear')}
            </button>
          )}
        </div>
      </div>
      <ul className="ingest-rows">
        {rows.map((row) => (
          <IngestRowView key={row.key} row={row} />
        ))}
      </ul>
    </section>
  );
}
