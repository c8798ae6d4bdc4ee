import { memo, useEffect, useMemo, useRef, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocatedTable } from '../../contract';
import { libraryStore, useLibrary } from '../../stores';
import type { PagePassage } from '../../stores/library';
import { locatePassage } from '../../lib/passage';
import { isNumericCell } from '../../lib/tableCells';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { useDialogFocus } from '../common/useDialogFocus';

/** A table as the report has it: header rows as <th>, figures right-aligned, title and units above. */
const PageTable = memo(function PageTable({ table }: { table: LocatedTable }) {
  const { t } = useTranslation();
  const headerCount = Math.min(Math.max(0, table.headerRows), table.rows.length);
  const head = table.rows.slice(0, headerCount);
  const body = table.rows.slice(headerCount);
  const width = Math.max(0, ...table.rows.map((r) => r.length));
  const pad = (row: string[]) => (row.length < width ? [...row, ...Array<string>(width - row.length).fill('')] : row);
  // A column of figures is right-aligned, its header too.
  const numericColumn = Array.from({ length: width }, (_, c) => {
    const cells = body.map((row) => row[c] ?? '').filter((cell) => cell.trim() !== '');
    return c > 0 && cells.length > 0 && cells.filter(isNumericCell).length * 2 >= cells.length;
  });
  return (
    <figure className="page-table" data-testid="page-table" data-table-index={table.tableIndex}>
      <figcaption className="page-table-caption">
        <span className="page-table-title">{table.title || t('pageView.tableTitle', { number: table.tableIndex + 1 })}</span>
        {table.units && (
          <span className="page-table-units" data-testid="page-table-units">
            {t('pageView.units', { units: table.units })}
          </span>
        )}
      </figcaption>
      <div className="page-table-scroll">
        <table className="data-table">
          {head.length > 0 && (
            <thead>
              {head.map((row, r) => (
                <tr key={r}>
                  {pad(row).map((cell, c) => (
                    <th key={c} scope="col" className={numericColumn[c] ? 'num' : undefined}>
                      {cell}
                    </th>
                  ))}
                </tr>
              ))}
            </thead>
          )}
          <tbody>
            {body.map((row, r) => (
              <tr key={r}>
                {pad(row).map((cell, c) => (
                  <td key={c} className={numericColumn[c] || (c > 0 && isNumericCell(cell)) ? 'num' : undefined}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
});

/** The page's text with the cited passage marked, or a note and the passage itself when it cannot be located. */
function PageText({ text, passage, markRef }: { text: string; passage: PagePassage | null; markRef: RefObject<HTMLElement | null> }) {
  const { t } = useTranslation();
  const range = useMemo(() => (passage && passage.tableIndex === null ? locatePassage(text, passage.text) : null), [text, passage]);
  if (!text.trim() && !passage) return <p className="muted page-empty">{t('pageView.empty')}</p>;
  const unlocated = passage && passage.tableIndex === null && !range;
  return (
    <>
      {unlocated && (
        <div className="page-unlocated">
          <p className="muted">{t('pageView.passageNotFound')}</p>
          <blockquote ref={markRef as RefObject<HTMLQuoteElement | null>} className="cited-passage is-unlocated" data-testid="cited-passage" data-located="false">
            {passage.text}
          </blockquote>
        </div>
      )}
      {text.trim() ? (
        <div className="page-text" data-testid="page-text">
          {range ? (
            <>
              {text.slice(0, range.start)}
              <span ref={markRef} className="cited-range" data-testid="cited-passage" data-located="true" aria-label={t('pageView.citedPassage')}>
                {/* Marked line by line, so the blank lines between paragraphs are not painted. */}
                {text
                  .slice(range.start, range.end)
                  .split(/(\n+)/u)
                  .map((piece, i) => (piece.startsWith('\n') || piece === '' ? piece : <mark key={i} className="cited-passage">{piece}</mark>))}
              </span>
              {text.slice(range.end)}
            </>
          ) : (
            text
          )}
        </div>
      ) : (
        <p className="muted page-empty">{t('pageView.empty')}</p>
      )}
    </>
  );
}

/**
 * One page of a library document, opened from a search hit, a citation or the library: its text and tables, the
 * cited passage highlighted and scrolled into view, prev/next within the document. Escape or Close returns.
 */
export function PageView() {
  const { t } = useTranslation();
  const view = useLibrary((s) => s.pageView);
  const markRef = useRef<HTMLElement | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const closeRef = useDialogFocus(view !== null, {
    onClose: () => libraryStore.getState().closePage(),
    // Left and right arrows turn the page, unless the key is meant for a field or a shortcut.
    onKeyDown: (event) => {
      const typing = event.target instanceof HTMLElement && event.target.closest('input, textarea, select');
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      const state = libraryStore.getState().pageView;
      if (!state) return;
      if (event.key === 'ArrowLeft' && state.page > 1) {
        event.preventDefault();
        void libraryStore.getState().showPage(state.page - 1);
      } else if (event.key === 'ArrowRight' && (state.pageCount === null || state.page < state.pageCount)) {
        event.preventDefault();
        void libraryStore.getState().showPage(state.page + 1);
      }
    },
  });

  const data = view?.status === 'ready' ? view.data : null;
  const passage = view?.passage && data && view.passage.page === data.number ? view.passage : null;

  // Bring the passage into view once the page is there; otherwise start at the top of the new page.
  useEffect(() => {
    if (!data) return;
    if (markRef.current) markRef.current.scrollIntoView({ block: 'center' });
    else bodyRef.current?.scrollTo({ top: 0 });
  }, [data, passage]);

  if (!view) return null;
  const { page, pageCount } = view;
  const tables = data?.tables ?? [];
  const citedTable = passage?.tableIndex ?? null;

  return (
    <div className="page-view-overlay" onMouseDown={(e) => e.target === e.currentTarget && libraryStore.getState().closePage()}>
      <div className="page-view" data-testid="page-view" data-document-id={view.documentId} data-page={page} data-status={view.status} role="dialog" aria-modal="true" aria-labelledby="page-view-title">
        <div className="page-view-header">
          <div className="page-view-heading">
            <h2 id="page-view-title" className="page-view-title" title={view.fileName}>
              {view.fileName}
            </h2>
            <span className="muted" data-testid="page-view-page">
              {pageCount ? t('pageView.pageOf', { page, count: pageCount }) : t('pageView.pageOnly', { page })}
              {data?.label ? ` · ${data.label}` : ''}
            </span>
          </div>
          <div className="page-view-actions">
            <button
              type="button"
              className="icon-button"
              data-testid="page-view-prev"
              title={t('pageView.previous')}
              aria-label={t('pageView.previous')}
              disabled={page <= 1}
              onClick={() => void libraryStore.getState().showPage(page - 1)}
            >
              <Icon name="chevronLeft" size={16} />
            </button>
            <button
              type="button"
              className="icon-button"
              data-testid="page-view-next"
              title={t('pageView.next')}
              aria-label={t('pageView.next')}
              disabled={pageCount !== null && page >= pageCount}
              onClick={() => void libraryStore.getState().showPage(page + 1)}
            >
              <Icon name="chevronRight" size={16} />
            </button>
            <button ref={closeRef} type="button" className="button button-small" data-testid="page-view-close" title={t('pageView.closeTooltip')} onClick={() => libraryStore.getState().closePage()}>
              <Icon name="close" size={13} />
              {t('pageView.close')}
            </button>
          </div>
        </div>
        <div className="page-view-body" ref={bodyRef}>
          {view.status === 'loading' && <p className="muted">{t('pageView.loading')}</p>}
          {view.status === 'error' && view.error && (
            <div>
              <p>{t('pageView.failed')}</p>
              <ErrorMessage error={view.error} />
              <button type="button" className="button button-small" onClick={() => void libraryStore.getState().showPage(page)}>
                {t('pageView.retry')}
              </button>
            </div>
          )}
          {data && (
            <>
              <PageText key={`${data.documentId}:${data.number}`} text={data.text} passage={passage} markRef={markRef} />
              {tables.length > 0 && (
                <div className="page-tables" aria-label={t('pageView.tables', { count: tables.length })}>
                  {tables.map((table) =>
                    table.tableIndex === citedTable ? (
                      <div key={table.tableIndex} ref={markRef as RefObject<HTMLDivElement | null>} className="cited-passage is-table" data-testid="cited-passage" data-located="true" data-table-index={table.tableIndex}>
                        <PageTable table={table} />
                      </div>
                    ) : (
                      <PageTable key={table.tableIndex} table={table} />
                    ),
                  )}
                </div>
              )}
            </>
          )}
        </div>
      </div>
    </div>
  );
}
