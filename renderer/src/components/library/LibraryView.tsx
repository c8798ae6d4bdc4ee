import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { host } from '../../api';
import { libraryStore, useLibrary } from '../../stores';
import { reportAccept } from '../../lib/reportFiles';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { chooseReports, registerReportInput } from './addReports';
import { DocumentList } from './DocumentList';
import { IngestPanel } from './IngestPanel';
import { BuildMeaningIndexButton, MeaningIndexPanel } from './MeaningIndex';
import { SearchPanel } from './SearchPanel';

/**
 * The report library: add (button or drop), progress, building the meaning index, search, and the documents. Drops
 * are handled window-wide (App).
 */
export function LibraryView() {
  const { t } = useTranslation();
  const documents = useLibrary((s) => s.documents);
  const listStatus = useLibrary((s) => s.listStatus);
  const listError = useLibrary((s) => s.listError);
  const removeError = useLibrary((s) => s.removeError);
  const inputRef = useCallback((element: HTMLInputElement | null) => registerReportInput(element), []);

  useEffect(() => {
    void libraryStore.getState().refresh();
  }, []);

  return (
    <div className="page library-view" data-testid="library-view">
      <div className="page-header">
        <div>
          <h2>{t('library.title')}</h2>
          <p className="muted">{t('library.intro')}</p>
        </div>
        <div className="page-header-actions">
          <BuildMeaningIndexButton />
          <button type="button" className="button button-primary" data-testid="add-documents" title={t('library.addTooltip')} onClick={() => void chooseReports()}>
            <Icon name="plus" size={14} />
            {t('library.add')}
          </button>
          {host !== 'electron' && (
            <input
              ref={inputRef}
              type="file"
              multiple
              accept={reportAccept}
              hidden
              data-testid="add-documents-input"
              onChange={(e) => {
                const files = Array.from(e.target.files ?? []);
                // Cleared so choosing the same file again fires a change.
                e.target.value = '';
                if (files.length > 0) void libraryStore.getState().addFiles(files);
              }}
            />
          )}
        </div>
      </div>
      <p className="field-help library-drop-hint">{t('library.dropHint')}</p>

      <IngestPanel />
      <MeaningIndexPanel />
      {removeError && <ErrorMessage error={removeError} />}
      <SearchPanel />

      <div className="library-documents">
        <h3 className="library-section-title">{t('library.count', { count: documents.length })}</h3>
        {listStatus === 'error' && listError && (
          <>
            <p>{t('library.loadFailed')}</p>
            <ErrorMessage error={listError} />
          </>
        )}
        {documents.length > 0 ? <DocumentList documents={documents} /> : listStatus === 'ready' && <p className="muted empty-list">{t('library.empty')}</p>}
      </div>
    </div>
  );
}
