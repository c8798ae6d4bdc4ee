import { useCallback, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { conversationsStore, useConversations } from '../../stores';
import { registerComposer } from '../../lib/focus';
import { ErrorMessage } from '../common/ErrorMessage';
import { Icon } from '../common/Icon';
import { AttachDocuments, AttachedChips } from './AttachDocuments';

export function Composer() {
  const { t } = useTranslation();
  const draft = useConversations((s) => s.draft);
  const sending = useConversations((s) => s.sending);
  const hasLive = useConversations((s) => s.live !== null);
  const stopping = useConversations((s) => s.live?.stopping ?? false);
  const error = useConversations((s) => s.error);
  const busy = sending || hasLive;

  const ref = useCallback((element: HTMLTextAreaElement | null) => registerComposer(element), []);

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an IME is composing (Chinese input) confirms the composition; it must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      if (!busy) void conversationsStore.getState().send();
    }
  };

  return (
    <div className="composer">
      {error && <ErrorMessage error={error} onDismiss={() => conversationsStore.getState().dismissError()} className="composer-error" />}
      <AttachedChips />
      <div className="composer-box">
        <textarea
          ref={ref}
          className="composer-input"
          data-testid="composer-input"
          aria-label={t('chat.composerLabel')}
          placeholder={t('chat.placeholder')}
          value={draft}
          rows={3}
          autoFocus
          onChange={(e) => conversationsStore.getState().setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="composer-actions">
          <AttachDocuments />
          {busy ? (
            <button
              type="button"
              className="button button-stop"
              data-testid="stop-button"
              title={t('chat.stopTooltip')}
              disabled={stopping}
              onClick={() => conversationsStore.getState().stop()}
            >
              <Icon name="stop" size={14} />
              {stopping ? t('chat.stopping') : sending && !hasLive ? t('chat.sending') : t('chat.stop')}
            </button>
          ) : (
            <button
              type="button"
              className="button button-primary"
              data-testid="send-button"
              title={t('chat.sendTooltip')}
              onClick={() => void conversationsStore.getState().send()}
            >
              <Icon name="send" size={14} />
              {t('chat.send')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
