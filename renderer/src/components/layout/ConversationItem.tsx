import { memo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary } from '../../contract';
import { conversationsStore } from '../../stores';
import { Icon } from '../common/Icon';

function formatUpdated(updatedAt: number, locale: string): string {
  const date = new Date(updatedAt);
  const now = new Date();
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(locale, { month: 'short', day: 'numeric', ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {}) });
}

interface Props {
  conversation: ConversationSummary;
  active: boolean;
  streaming: boolean;
  onSelect(): void;
}

export const ConversationItem = memo(function ConversationItem({ conversation, active, streaming, onSelect }: Props) {
  const { t, i18n } = useTranslation();
  const [mode, setMode] = useState<'view' | 'rename' | 'confirm-delete'>('view');
  const [title, setTitle] = useState(conversation.title);
  const displayTitle = conversation.title || t('sidebar.untitled');

  const commitRename = async () => {
    setMode('view');
    if (title.trim() && title.trim() !== conversation.title) await conversationsStore.getState().rename(conversation.id, title);
  };

  const onRenameKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void commitRename();
    } else if (event.key === 'Escape') {
      // Keep the global Escape (stop generating) out of it.
      event.preventDefault();
      event.stopPropagation();
      setTitle(conversation.title);
      setMode('view');
    }
  };

  if (mode === 'rename') {
    return (
      <div className="conversation-item is-editing" data-testid="conversation-item" data-conversation-id={conversation.id}>
        <input
          className="conversation-rename-input"
          data-testid="conversation-rename-input"
          aria-label={t('sidebar.renameLabel')}
          value={title}
          maxLength={200}
          autoFocus
          onFocus={(e) => e.currentTarget.select()}
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={onRenameKey}
          onBlur={() => void commitRename()}
        />
      </div>
    );
  }

  if (mode === 'confirm-delete') {
    return (
      <div className="conversation-item is-confirming" data-testid="conversation-item" data-conversation-id={conversation.id} role="alertdialog">
        <span className="conversation-confirm-text">{t('sidebar.confirmDelete', { title: displayTitle })}</span>
        <div className="conversation-confirm-actions">
          <button
            type="button"
            className="button button-danger button-small"
            data-testid="conversation-delete-confirm"
            autoFocus
            onClick={() => void conversationsStore.getState().remove(conversation.id)}
          >
            {t('sidebar.confirmDeleteYes')}
          </button>
          <button type="button" className="button button-small" data-testid="conversation-delete-cancel" onClick={() => setMode('view')}>
            {t('sidebar.confirmDeleteNo')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div
      className={`conversation-item ${active ? 'is-active' : ''}`}
      data-testid="conversation-item"
      data-conversation-id={conversation.id}
      aria-current={active ? 'page' : undefined}
    >
      <button type="button" className="conversation-select" onClick={onSelect} onDoubleClick={() => (setTitle(conversation.title), setMode('rename'))} title={displayTitle}>
        <span className="conversation-title">
          {streaming && <span className="live-dot" aria-hidden="true" />}
          {displayTitle}
        </span>
        <span className="conversation-meta">
          {formatUpdated(conversation.updatedAt, i18n.language)} · {t('sidebar.messages', { count: conversation.messageCount })}
        </span>
      </button>
      <div className="conversation-actions">
        <button
          type="button"
          className="icon-button"
          data-testid="conversation-rename"
          title={t('sidebar.rename')}
          aria-label={t('sidebar.rename')}
          onClick={() => (setTitle(conversation.title), setMode('rename'))}
        >
          <Icon name="edit" size={14} />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="conversation-delete"
          title={t('sidebar.delete')}
          aria-label={t('sidebar.delete')}
          onClick={() => setMode('confirm-delete')}
        >
          <Icon name="trash" size={14} />
        </button>
      </div>
    </div>
  );
});
