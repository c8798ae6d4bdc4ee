import { useTranslation } from 'react-i18next';
import { appStore, useApp } from '../../stores';
import { openModelFile } from '../models/openModelFile';
import { Icon } from '../common/Icon';

/** First run, no model: says so and offers the two ways to get one. Never a blank screen. */
export function EmptyState() {
  const { t } = useTranslation();
  const modelsDir = useApp((s) => s.info?.modelsDir ?? null);
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-card">
        <div className="empty-icon" aria-hidden="true">
          <Icon name="cube" size={28} />
        </div>
        <h2>{t('empty.title')}</h2>
        <p>{t('empty.body')}</p>
        <div className="empty-actions">
          <button type="button" className="button button-primary" data-testid="empty-open-file" onClick={() => void openModelFile()}>
            <Icon name="folder" size={14} />
            {t('empty.openFile')}
          </button>
          <button type="button" className="button" data-testid="empty-go-library" onClick={() => appStore.getState().setView('models')}>
            {t('empty.library')}
          </button>
        </div>
        <h3>{t('empty.whereTitle')}</h3>
        <p className="muted">{t('empty.where')}</p>
        {modelsDir && (
          <p className="muted">
            {t('empty.folder')} <code className="path">{modelsDir}</code>
          </p>
        )}
      </div>
    </div>
  );
}
