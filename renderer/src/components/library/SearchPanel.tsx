import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SearchHit } from '../../contract';
import { libraryStore, useLibrary, useSettings } from '../../stores';
import { openReportSearchSettings } from '../settings/openReportSearchSettings';
import { highlightRuns, snippetAround } from '../../lib/highlights';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';

/** Typing pauses this long before a search runs (Enter searches at once). */
const searchDelayMs = 250;
/** Characters of a passage shown in a hit, around its first highlight. */
const snippetChars = 360;
/** Above this many hits only the visible ones are in the DOM. */
export const virtualizeFromHits = 30;

function openHit(hit: SearchHit) {
  void libraryStore.getState().openPage({ documentId: hit.documentId, fileName: hit.fileName, page: hit.page, passage: { text: hit.text, tableIndex: hit.tableIndex } });
}

const HitView = memo(function HitView({ hit }: { hit: SearchHit }) {
  const { t } = useTranslation();
  const snippet = useMemo(() => snippetAround(hit.text, hit.highlights, snippetChars), [hit]);
  const runs = useMemo(() => highlightRuns(snippet.text, snippet.highlights), [snippet]);
  return (
    <button
      type="button"
      className="search-hit"
      data-testid="search-hit"
      data-document-id={hit.documentId}
      data-page={hit.page}
      aria-label={t('library.search.hitLabel', { name: hit.fileName, page: hit.page })}
      onClick={() => openHit(hit)}
    >
      <span className="search-hit-head">
        <span className="search-hit-file">{hit.fileName}</span>
        <span className="chip">{t('library.search.page', { page: hit.page })}</span>
        {hit.tableIndex !== null && <span className="chip">{t('library.search.table')}</span>}
      </span>
      <span className="search-hit-text">
        {snippet.cutStart && '… '}
        {runs.map((run, i) =>
          run.marked ? (
            <mark key={i} className="search-highlight">
              {run.text}
            </mark>
          ) : (
            <span key={i}>{run.text}</span>
          ),
        )}
        {snippet.cutEnd && ' …'}
      </span>
    </button>
  );
});

function VirtualHits({ hits, label }: { hits: SearchHit[]; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: hits.length,
    getScrollElement: () => ref.current,
    estimateSize: () => 110,
    overscan: 6,
    getItemKey: (index) => hits[index]?.chunkId ?? index,
    useFlushSync: false,
  });
  return (
    <div ref={ref} className="search-hits is-virtual" data-virtualized="true">
      <div role="list" aria-label={label} className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} role="listitem" className="virtual-item" style={{ transform: `translateY(${item.start}px)` }}>
            <HitView hit={hits[item.index]!} />
          </div>
        ))}
      </div>
    </div>
  );
}

function Hits({ hits }: { hits: SearchHit[] }) {
  const { t } = useTranslation();
  const label = t('library.search.hitsLabel');
  if (hits.length > virtualizeFromHits) return <VirtualHits hits={hits} label={label} />;
  return (
    <div role="list" aria-label={label} className="search-hits">
      {hits.map((hit) => (
        <div role="listitem" key={hit.chunkId}>
          <HitView hit={hit} />
        </div>
      ))}
    </div>
  );
}

/** Search over the whole library: passages with the query's words marked; a hit opens its page. */
export function SearchPanel() {
  const { t } = useTranslation();
  const search = useLibrary((s) => s.search);
  // Keyword-only with a model set means the documents are not embedded yet: the note says to build the index.
  const hasEmbeddingModel = useSettings((s) => !!s.settings?.embeddingModelPath);
  const [text, setText] = useState(search.query);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const schedule = (value: string) => {
    setText(value);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => void libraryStore.getState().runSearch(value), searchDelayMs);
  };
  const runNow = () => {
    if (timer.current) clearTimeout(timer.current);
    void libraryStore.getState().runSearch(text);
  };

  const result = search.result;
  return (
    <section className="search-panel" aria-label={t('library.search.label')}>
      <div className="search-box">
        <Icon name="search" size={15} className="search-icon" />
        <input
          type="search"
          className="input search-input"
          data-testid="library-search"
          aria-label={t('library.search.label')}
          placeholder={t('library.search.placeholder')}
          value={text}
          spellCheck={false}
          onChange={(e) => schedule(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) runNow();
            if (e.key === 'Escape' && text) {
              e.preventDefault();
              setText('');
              libraryStore.getState().clearSearch();
            }
          }}
        />
      </div>
      {search.status === 'searching' && !result && <p className="muted search-status">{t('library.search.searching')}</p>}
      {search.status === 'error' && search.error && (
        <div className="search-status">
          <p>{t('library.search.failed')}</p>
          <ErrorMessage error={search.error} />
        </div>
      )}
      {result && (
        <div className={`search-results${search.status === 'searching' ? ' is-stale' : ''}`} data-testid="search-results" data-mode={result.mode}>
          <div className="search-summary">
            <span role="status">
              {result.hits.length > 0 ? t('library.search.results', { count: result.hits.length }) : t('library.search.none', { query: search.query })}
            </span>
            <span className="muted">{t('library.search.took', { ms: Math.round(result.tookMs) })}</span>
            {result.mode === 'keyword' ? (
              <span className="search-mode is-keyword" data-testid="search-mode" data-mode="keyword">
                <Trans
                  i18nKey={hasEmbeddingModel ? 'library.search.keywordNotIndexed' : 'library.search.keywordOnly'}
                  components={{
                    settingsLink: (
                      <button
                        type="button"
                        className="link-button search-mode-link"
                        data-testid="search-mode-settings"
                        title={t('library.search.settingsLinkTooltip')}
                        onClick={openReportSearchSettings}
                      />
                    ),
                  }}
                />
              </span>
            ) : (
              <span className="search-mode" data-testid="search-mode" data-mode="hybrid">
                {t('library.search.hybrid')}
              </span>
            )}
          </div>
          {result.hits.length > 0 && <Hits hits={result.hits} />}
        </div>
      )}
    </section>
  );
}
