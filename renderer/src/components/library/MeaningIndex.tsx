import { useTranslation } from 'react-i18next';
import { libraryStore, useLibrary, useSettings } from '../../stores';
import { meaningIndexBlocker, type MeaningIndexBlocker } from '../../stores/meaningIndex';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { IngestRowView } from './IngestPanel';

/**
 * "Build meaning index": embeds the documents meaning search does not cover yet, with the saved embedding model.
 * `blockedBy` lets Settings hold it back while its embedding model field has unsaved changes.
 */
export function BuildMeaningIndexButton({ blockedBy }: { blockedBy?: string | null }) {
  const { t } = useTranslation();
  const modelPath = useSettings((s) => s.settings?.embeddingModelPath ?? null);
  const documents = useLibrary((s) => s.documents);
  const running = useLibrary((s) => s.meaningIndex.status === 'running');
  const blocker: MeaningIndexBlocker | null = meaningIndexBlocker(modelPath, documents, running);
  const missing = documents.filter((d) => !d.embedded).length;
  const title = blockedBy ?? (blocker ? t(`library.meaningIndex.${blocker}`) : t('library.meaningIndex.buildTooltip', { count: missing }));
  return (
    <button
      type="button"
      className="button"
      data-testid="embed-library"
      data-blocker={blockedBy ? 'unsaved' : (blocker ?? undefined)}
      title={title}
      disabled={!!blockedBy || blocker !== null}
      onClick={() => void libraryStore.getState().buildMeaningIndex()}
    >
      <Icon name="search" size={14} />
      {t('library.meaningIndex.build')}
    </button>
  );
}

/** How many documents meaning search covers, e.g. "3 of 5 reports in the meaning index". */
export function MeaningIndexCoverage() {
  const { t } = useTranslation();
  const total = useLibrary((s) => s.documents.length);
  const embedded = useLibrary((s) => s.documents.filter((d) => d.embedded).length);
  if (total === 0) return null;
  return (
    <span className="muted meaning-index-coverage" data-testid="embed-coverage" data-embedded={embedded} data-total={total}>
      {t('library.meaningIndex.coverage', { embedded, total })}
    </span>
  );
}

/** A progress row per document while the meaning index is built (the look of the rows of files being added). */
export function MeaningIndexPanel() {
  const { t } = useTranslation();
  const { status, rows, error } = useLibrary((s) => s.meaningIndex);
  if (status === 'idle' || (rows.length === 0 && !error)) return null;
  const running = status === 'running';
  const done = rows.filter((r) => r.phase === 'done').length;
  return (
    <section className="ingest-panel meaning-index-panel" data-testid="embed-panel" data-status={status} aria-label={t('library.meaningIndex.title')}>
      <div className="ingest-header">
        <h3>{running ? t('library.meaningIndex.title') : t('library.meaningIndex.titleFinished')}</h3>
        {rows.length > 0 && (
          <span className="muted" role="status">
            {t('library.meaningIndex.summary', { done, total: rows.length })}
          </span>
        )}
        <div className="ingest-actions">
          {running ? (
            <button
              type="button"
              className="button button-small"
              data-testid="embed-cancel"
              title={t('library.meaningIndex.cancelTooltip')}
              onClick={() => libraryStore.getState().cancelMeaningIndex()}
            >
              <Icon name="stop" size={12} />
              {t('library.meaningIndex.cancel')}
            </button>
          ) : (
            <button
              type="button"
              className="button button-small"
              data-testid="embed-clear"
              title={t('library.meaningIndex.clearTooltip')}
              onClick={() => libraryStore.getState().clearMeaningIndex()}
            >
              {t('library.meaningIndex.clear')}
            </button>
          )}
        </div>
      </div>
      {error && <ErrorMessage error={error} />}
      {rows.length > 0 && (
        <ul className="ingest-rows">
          {rows.map((row) => (
            <IngestRowView key={row.key} row={row} kind="meaningIndex" />
          ))}
        </ul>
      )}
    </section>
  );
}
