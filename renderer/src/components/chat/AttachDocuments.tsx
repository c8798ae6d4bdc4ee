import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { appStore, conversationsStore, libraryStore, useConversations, useLibrary } from '../../stores';
import { Icon } from '../common/Icon';

function toggle(ids: string[], id: string, on: boolean): string[] {
  return on ? (ids.includes(id) ? ids : [...ids, id]) : ids.filter((x) => x !== id);
}

/** The reports attached to the conversation, as removable chips above the composer. */
export function AttachedChips() {
  const { t } = useTranslation();
  const documentIds = useConversations((s) => s.documentIds);
  const documents = useLibrary((s) => s.documents);
  const listed = useLibrary((s) => s.listStatus === 'ready');
  if (documentIds.length === 0) return null;
  return (
    <ul className="attached-chips" aria-label={t('attach.attached')}>
      {documentIds.map((id) => {
        const document = documents.find((d) => d.id === id);
        // A document removed from the library is no longer used; say so rather than show an id.
        const name = document?.fileName ?? (listed ? t('attach.missing') : '…');
        return (
          <li key={id} className={`attached-chip${document ? '' : ' is-missing'}`} data-testid="attached-chip" data-document-id={id}>
            <Icon name="file" size={12} />
            <span className="attached-chip-name" title={name}>
              {name}
            </span>
            <button
              type="button"
              className="attached-chip-remove"
              data-testid="attached-chip-remove"
              title={t('attach.remove', { name })}
              aria-label={t('attach.remove', { name })}
              onClick={() => void conversationsStore.getState().setDocuments(toggle(conversationsStore.getState().documentIds, id, false))}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** "Reports" by the composer: the library's documents with checkboxes; checked ones answer the conversation. */
export function AttachDocuments() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const documentIds = useConversations((s) => s.documentIds);
  const documents = useLibrary((s) => s.documents);
  const listStatus = useLibrary((s) => s.listStatus);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    void libraryStore.getState().refresh();
    const onPointer = (event: MouseEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    // Capture phase: Escape closes this first, without also stopping an answer.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    };
    window.addEventListener('mousedown', onPointer);
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('mousedown', onPointer);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  const count = documentIds.length;
  return (
    <div className="attach-control" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`button button-small attach-button${count > 0 ? ' has-attachments' : ''}`}
        data-testid="attach-documents"
        title={t('attach.tooltip')}
        aria-expanded={open}
        aria-haspopup="true"
        onClick={() => setOpen(!open)}
      >
        <Icon name="paperclip" size={13} />
        {count > 0 ? t('attach.buttonCount', { count }) : t('attach.button')}
      </button>
      {open && (
        <div className="attach-popover" data-testid="attach-popover" role="group" aria-label={t('attach.title')}>
          <div className="attach-popover-title">{t('attach.title')}</div>
          {documents.length === 0 ? (
            listStatus !== 'loading' && (
              <div className="attach-empty">
                <p className="muted">{t('attach.empty')}</p>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    setOpen(false);
                    appStore.getState().setView('library');
                  }}
                >
                  <Icon name="library" size={13} />
                  {t('attach.openLibrary')}
                </button>
              </div>
            )
          ) : (
            <ul className="attach-options">
              {documents.map((document) => (
                <li key={document.id}>
                  <label className="attach-option" data-testid="attach-option" data-document-id={document.id}>
                    <input
                      type="checkbox"
                      checked={documentIds.includes(document.id)}
                      onChange={(e) => void conversationsStore.getState().setDocuments(toggle(conversationsStore.getState().documentIds, document.id, e.target.checked))}
                    />
                    <span className="attach-option-name">{document.fileName}</span>
                    <span className="muted attach-option-meta">{t('library.pages', { count: document.pageCount })}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <div className="attach-popover-footer">
            <button type="button" className="button button-small" data-testid="attach-done" onClick={() => setOpen(false)}>
              {t('attach.done')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
