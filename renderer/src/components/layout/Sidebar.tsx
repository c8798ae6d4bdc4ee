import { useTranslation } from 'react-i18next';
import { appStore, conversationsStore, useApp, useConversations } from '../../stores';
import { shortcutLabels } from '../../lib/shortcuts';
import { startNewChat } from '../../stores/commands';
import { ConversationItem } from './ConversationItem';
import { Icon } from '../common/Icon';

export function Sidebar() {
  const { t } = useTranslation();
  const list = useConversations((s) => s.list);
  const listStatus = useConversations((s) => s.listStatus);
  const currentId = useConversations((s) => s.currentId);
  const liveConversationId = useConversations((s) => s.live?.conversationId ?? null);
  const view = useApp((s) => s.view);

  return (
    <aside className="sidebar">
      <div className="sidebar-header">
        <span className="brand">{t('app.name')}</span>
      </div>
      <div className="sidebar-actions">
        <button
          type="button"
          className="button button-primary button-block"
          data-testid="new-chat"
          title={t('sidebar.newChatTooltip', { shortcut: shortcutLabels.newChat })}
          onClick={() => void startNewChat()}
        >
          <Icon name="plus" size={14} /> {t('sidebar.newChat')}
          <kbd className="kbd-hint">{shortcutLabels.newChat}</kbd>
        </button>
      </div>
      <div className="sidebar-section-title">{t('sidebar.conversations')}</div>
      <nav className="conversation-list" aria-label={t('sidebar.conversations')}>
        {listStatus === 'error' && <p className="sidebar-empty">{t('sidebar.loadFailed')}</p>}
        {listStatus === 'ready' && list.length === 0 && <p className="sidebar-empty">{t('sidebar.empty')}</p>}
        {list.map((conversation) => (
          <ConversationItem
            key={conversation.id}
            conversation={conversation}
            active={conversation.id === currentId && view === 'chat'}
            streaming={conversation.id === liveConversationId}
            onSelect={() => {
              appStore.getState().setView('chat');
              if (conversationsStore.getState().currentId !== conversation.id) void conversationsStore.getState().select(conversation.id);
            }}
          />
        ))}
      </nav>
      <div className="sidebar-footer">
        <button
          type="button"
          className={`nav-button ${view === 'library' ? 'is-active' : ''}`}
          data-testid="library-link"
          title={t('sidebar.libraryTooltip')}
          onClick={() => appStore.getState().setView('library')}
        >
          <Icon name="library" size={15} />
          {t('sidebar.library')}
        </button>
        <button
          type="button"
          className={`nav-button ${view === 'models' ? 'is-active' : ''}`}
          data-testid="models-link"
          title={t('sidebar.modelsTooltip')}
          onClick={() => appStore.getState().setView('models')}
        >
          <Icon name="cube" size={15} />
          {t('sidebar.models')}
        </button>
        <button
          type="button"
          className={`nav-button ${view === 'evaluation' ? 'is-active' : ''}`}
          data-testid="evaluation-link"
          title={t('sidebar.evaluationTooltip')}
          onClick={() => appStore.getState().setView('evaluation')}
        >
          <Icon name="chart" size={15} />
          {t('sidebar.evaluation')}
        </button>
        <button
          type="button"
          className={`nav-button ${view === 'training' ? 'is-active' : ''}`}
          data-testid="training-link"
          title={t('sidebar.trainingTooltip')}
          onClick={() => appStore.getState().setView('training')}
        >
          <Icon name="trend" size={15} />
          {t('sidebar.training')}
        </button>
        <button
          type="button"
          className={`nav-button ${view === 'settings' ? 'is-active' : ''}`}
          data-testid="settings-link"
          title={t('sidebar.settingsTooltip', { shortcut: shortcutLabels.settings })}
          onClick={() => appStore.getState().setView('settings')}
        >
          <Icon name="settings" size={15} />
          {t('sidebar.settings')}
          <kbd className="kbd-hint">{shortcutLabels.settings}</kbd>
        </button>
      </div>
    </aside>
  );
}
