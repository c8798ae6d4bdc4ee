import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { DocumentSummary } from '../../contract';
import { DocumentItem } from './DocumentItem';

/** Above this many documents only the visible ones are in the DOM. */
export const virtualizeFromDocuments = 80;

function VirtualDocuments({ documents, label }: { documents: DocumentSummary[]; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // The virtualizer is mutable by design; this component re-renders with it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: documents.length,
    getScrollElement: () => ref.current,
    estimateSize: (index) => 64 + (documents[index]?.warnings.length ?? 0) * 18,
    overscan: 8,
    getItemKey: (index) => documents[index]?.id ?? index,
    useFlushSync: false,
  });
  return (
    <div ref={ref} className="document-list is-virtual" data-testid="document-list" data-virtualized="true">
      <div role="list" aria-label={label} className="virtual-space" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div key={item.key} data-index={item.index} ref={virtualizer.measureElement} role="presentation" className="virtual-item" style={{ transform: `translateY(${item.start}px)` }}>
            <DocumentItem document={documents[item.index]!} />
          </div>
        ))}
      </div>
    </div>
  );
}

export function DocumentList({ documents }: { documents: DocumentSummary[] }) {
  const { t } = useTranslation();
  const label = t('library.documentsLabel');
  if (documents.length > virtualizeFromDocuments) return <VirtualDocuments documents={documents} label={label} />;
  return (
    <div role="list" aria-label={label} className="document-list" data-testid="document-list">
      {documents.map((document) => (
        <DocumentItem key={document.id} document={document} />
      ))}
    </div>
  );
}
