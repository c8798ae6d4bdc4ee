import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentSummary } from '../../contract';
import { libraryStore } from '../../stores';
import { formatBytes } from '../../lib/format';
import { warningText } from '../../lib/documentWarnings';
import { Icon } from '../common/Icon';

export function formatDate(epochMs: number, locale: string): string {
  return new Date(epochMs).toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** One document: name, format, pages, tables, warnings, when it was added; Remove asks first. */
export const DocumentItem = memo(function DocumentItem({ document }: { document: DocumentSummary }) {
  const { t, i18n } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const locale = i18n.language;
  const remove = async () => {
    setRemoving(true);
    const ok = await libraryStore.getState().remove(document.id);
    if (!ok) {
      setRemoving(false);
      setConfirming(false);
    }
  };
  return (
    <div role="listitem" className={`document-item${confirming ? ' is-confirming' : ''}`} data-testid="document-item" data-document-id={document.id}>
      <div className="document-main">
        <button
          type="button"
          className="document-name link-button"
          title={t('library.openFirstPage')}
          onClick={() => void libraryStore.getState().openPage({ documentId: document.id, fileName: document.fileName, page: 1 })}
        >
          <Icon name="file" size={14} />
          <span className="document-file-name">{document.fileName}</span>
        </button>
        {document.title && document.title !== document.fileName && <div className="document-title muted">{document.title}</div>}
        <div className="document-meta">
          <span className="chip document-format" data-testid="document-format">
            {document.format.toUpperCase()}
          </span>
          <span data-testid="document-pages">{t('library.pages', { count: document.pageCount })}</span>
          <span data-testid="document-tables">{document.tableCount > 0 ? t('library.tables', { count: document.tableCount }) : t('library.noTables')}</span>
          <span>{formatBytes(document.sizeBytes, locale)}</span>
          <span className="muted">{t('library.added', { date: formatDate(document.createdAt, locale) })}</span>
          {document.embedded && (
            <span className="chip chip-embedded" data-testid="document-embedded" title={t('library.embeddedTooltip')}>
              {t('library.embedded')}
            </span>
          )}
        </div>
        {document.warnings.length > 0 && (
          <ul className="document-warnings" aria-label={t('library.warningsLabel')}>
            {document.warnings.map((warning, i) => (
              <li key={i} className="warning-text" data-testid="document-warning">
                ⚠ {warningText(t, warning)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="document-actions">
        {confirming ? (
          <div className="document-confirm" role="group" aria-label={t('library.confirmRemove', { name: document.fileName })}>
            <span className="document-confirm-text">{t('library.confirmRemove', { name: document.fileName })}</span>
            <button type="button" className="button button-small button-danger" data-testid="document-remove-confirm" disabled={removing} onClick={() => void remove()}>
              {t('library.confirmRemoveYes')}
            </button>
            <button type="button" className="button button-small" data-testid="document-remove-cancel" disabled={removing} onClick={() => setConfirming(false)}>
              {t('library.confirmRemoveNo')}
            </button>
          </div>
        ) : (
          <button
            type="button"
            className="icon-button"
            data-testid="document-remove"
            title={t('library.removeTooltip', { name: document.fileName })}
            aria-label={t('library.removeTooltip', { name: document.fileName })}
            onClick={() => setConfirming(true)}
          >
            <Icon name="trash" size={14} />
          </button>
        )}
      </div>
    </div>
  );
});
