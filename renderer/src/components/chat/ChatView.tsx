import { useTranslation } from 'react-i18next';
import { ShortcutList } from '../common/ShortcutList';
import { appStore, conversationsStore, useApp, useConversations, useSettings } from '../../stores';
import { ErrorMessage } from '../common/ErrorMessage';
import { MessageList } from './MessageList';
import { Composer } from './Composer';
import { EmptyState } from './EmptyState';
import { CompareView } from '../inspector/CompareView';

function ModelProblem() {
  const { t } = useTranslation();
  const error = useApp((s) => s.status?.error ?? null);
  const loading = useApp((s) => s.status?.state === 'loading' || s.status?.state === 'starting');
  if (loading)
    return (
      <div className="chat-welcome">
        <p className="muted">{t('empty.loadingModel')}</p>
      </div>
    );
  if (!error) return null;
  return (
    <div className="empty-state" data-testid="model-error">
      <div className="empty-card">
        <h2>{t('empty.modelError')}</h2>
        <ErrorMessage error={error} />
        <div className="empty-actions">
          <button type="button" className="button button-primary" onClick={() => appStore.getState().setView('models')}>
            {t('empty.chooseAnother')}
          </button>
        </div>
      </div>
    </div>
  );
}

function Welcome() {
  const { t } = useTranslation();
  return (
    <div className="chat-welcome">
      <p>{t('chat.emptyConversation')}</p>
      <ShortcutList />
    </div>
  );
}

export function ChatView() {
  const { t } = useTranslation();
  const messages = useConversations((s) => s.messages);
  const messagesStatus = useConversations((s) => s.messagesStatus);
  const messagesError = useConversations((s) => s.messagesError);
  const currentId = useConversations((s) => s.currentId);
  const settingsLoaded = useSettings((s) => s.settings !== null);
  const modelPath = useSettings((s) => s.settings?.modelPath ?? null);
  const hasModel = useApp((s) => s.status?.model != null);
  const modelTrouble = useApp((s) => s.status?.state === 'error' || s.status?.state === 'loading' || s.status?.state === 'starting');
  const noModel = settingsLoaded && !modelPath && !hasModel;

  let body;
  if (messagesStatus === 'error' && messagesError) {
    body = (
      <div className="chat-welcome">
        <p>{t('chat.loadFailed')}</p>
        <ErrorMessage error={messagesError} />
        <button type="button" className="button" onClick={() => currentId && void conversationsStore.getState().select(currentId)}>
          {t('chat.retry')}
        </button>
      </div>
    );
  } else if (messages.length > 0) {
    body = <MessageList messages={messages} />;
  } else if (messagesStatus === 'loading') {
    body = (
      <div className="chat-welcome">
        <p className="muted">{t('chat.loadingConversation')}</p>
      </div>
    );
  } else if (noModel) {
    body = <EmptyState />;
  } else if (modelTrouble) {
    body = <ModelProblem />;
  } else {
    body = <Welcome />;
  }

  return (
    <div className="chat-view">
      <div className="chat-body">{body}</div>
      <Composer />
      <CompareView />
    </div>
  );
}
