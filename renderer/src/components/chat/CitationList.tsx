import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Citation } from '../../contract';
import { citedNumbers } from '../../lib/citations';

/** Sources shown before "Show N more". */
const collapsedCount = 6;

/**
 * The sources under an answer: the passages it cites when it cites any, otherwise every passage it was given (a
 * report that fits the context goes in whole). Each opens its page with the passage highlighted.
 */
export const CitationList = memo(function CitationList({ citations, answer, onOpen }: { citations: Citation[]; answer: string; onOpen: (citation: Citation) => void }) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState(false);
  const { shown, cited } = useMemo(() => {
    const byNumber = new Map(citations.map((c) => [c.n, c]));
    const used = citedNumbers(answer, new Set(byNumber.keys()));
    return used.length > 0 ? { shown: used.map((n) => byNumber.get(n)!), cited: true } : { shown: citations, cited: false };
  }, [citations, answer]);
  if (shown.length === 0) return null;
  const visible = expanded ? shown : shown.slice(0, collapsedCount);
  const hidden = shown.length - visible.length;
  return (
    <section className="citation-list" data-testid="citation-list" data-cited={cited} aria-label={t('citations.title')}>
      <div className="citation-list-title">{cited ? t('citations.cited') : t('citations.given')}</div>
      <ol className="citation-items">
        {visible.map((citation) => (
          <li key={citation.n}>
            <button
              type="button"
              className="citation-item"
              data-testid="citation-item"
              data-n={citation.n}
              data-document-id={citation.documentId}
              data-page={citation.page}
              title={citation.text.slice(0, 300)}
              onClick={() => onOpen(citation)}
            >
              <span className="citation-n">{citation.n}</span>
              <span className="citation-file">{citation.fileName}</span>
              <span className="citation-page">{t('citations.item', { page: citation.page })}</span>
              {citation.tableIndex !== null && <span className="chip">{t('citations.table')}</span>}
            </button>
          </li>
        ))}
      </ol>
      {(hidden > 0 || expanded) && shown.length > collapsedCount && (
        <button type="button" className="link-button citation-more" data-testid="citation-more" onClick={() => setExpanded(!expanded)}>
          {expanded ? t('citations.showFewer') : t('citations.showAll', { count: hidden })}
        </button>
      )}
    </section>
  );
});
