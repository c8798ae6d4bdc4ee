import { useTranslation } from 'react-i18next';
import { appStore, useApp, useConversations, useSettings } from '../../stores';
import { baseName, formatInteger } from '../../lib/format';
import { errorText } from '../../i18n';
import { remoteEngineLabel } from '../settings/engineForm';

/**
 * A remote engine chosen in settings: the inference status describes only the local model, so the remote model's
 * name comes from settings, with "remote" as its backend.
 */
function RemoteEngineStatus({ model, origin }: { model: string; origin: string | null }) {
  const { t } = useTranslation();
  const stale = useApp((s) => s.connection === 'reconnecting' || s.connection === 'closed');
  const name = t('status.remote', { model });
  const title = [name, origin ? t('status.remoteTitle', { origin }) : null, `${t('status.backend')}: remote`].filter(Boolean).join('\n');
  return (
    <button
      type="button"
      className="model-status"
      data-testid="model-status"
      data-state="remote"
      data-busy="false"
      data-stale={stale ? 'true' : undefined}
      title={title}
      aria-label={`${t('status.label')}: ${title}`}
      onClick={() => appStore.getState().setView('settings')}
    >
      <span className="status-dot status-ready" aria-hidden="true" />
      <span className="model-status-name">{name}</span>
      <span className="model-status-chips">
        <span className="chip" title={t('status.backend')}>
          remote
        </span>
      </span>
    </button>
  );
}

function ModelStatus() {
  // Select the settings object (a stable reference) and derive from it: a new object per selection re-renders forever.
  const remote = remoteEngineLabel(useSettings((s) => s.settings));
  return remote ? <RemoteEngineStatus model={remote.model} origin={remote.origin} /> : <LocalModelStatus />;
}

function LocalModelStatus() {
  const { t, i18n } = useTranslation();
  const status = useApp((s) => s.status);
  // While the server is unreachable the last status is stale: shown dimmed.
  const stale = useApp((s) => s.connection === 'reconnecting' || s.connection === 'closed');
  const modelPath = useSettings((s) => s.settings?.modelPath ?? null);
  const state = status?.state ?? 'idle';
  const model = status?.model ?? null;
  const name = model?.name || (model ? baseName(model.path) : modelPath ? baseName(modelPath) : null);
  const percent = status?.progress !== null && status?.progress !== undefined ? Math.round(status.progress * 100) : null;

  const stateText =
    state === 'loading' && percent !== null
      ? t('status.loadingProgress', { percent })
      : state === 'ready' && status?.busy
        ? t('status.busy')
        : t(`status.${state}`);

  const title = [
    name ?? t('status.noModel'),
    stateText,
    status?.error ? errorText(t, status.error) : null,
    model ? `${t('status.backend')}: ${model.backend}` : null,
    model ? `${t('status.threads')}: ${model.threads}` : null,
    model ? `${t('status.context')}: ${formatInteger(model.contextSize, i18n.language)}` : null,
    model ? `${t('status.gpuLayers')}: ${model.gpuLayers}/${model.totalLayers}` : null,
    t('status.changeModel'),
  ]
    .filter(Boolean)
    .join('\n');

  return (
    <button
      type="button"
      className="model-status"
      data-testid="model-status"
      data-state={state}
      data-busy={status?.busy ? 'true' : 'false'}
      data-stale={stale ? 'true' : undefined}
      title={title}
      aria-label={`${t('status.label')}: ${title}`}
      onClick={() => appStore.getState().setView('models')}
    >
      <span className={`status-dot status-${state}`} aria-hidden="true" />
      <span className="model-status-name">{name ?? t('status.noModel')}</span>
      {(name || state !== 'idle') && <span className="model-status-state">{stateText}</span>}
      {state === 'loading' && percent !== null && (
        <span className="progress-bar" aria-hidden="true">
          <progress className="progress" value={percent} max={100} />
        </span>
      )}
      {model && state === 'ready' && (
        <span className="model-status-chips">
          <span className="chip" title={t('status.backend')}>
            {model.backend}
          </span>
          <span className="chip" title={t('status.threads')}>
            {t('status.threads')} {model.threads}
          </span>
          <span className="chip" title={t('status.context')}>
            {t('status.context')} {formatInteger(model.contextSize, i18n.language)}
          </span>
        </span>
      )}
    </button>
  );
}

export function TopBar() {
  const { t } = useTranslation();
  const view = useApp((s) => s.view);
  const title = useConversations((s) => (s.currentId ? (s.list.find((c) => c.id === s.currentId)?.title ?? '') : ''));
  const heading =
    view === 'settings' ? t('settings.title') : view === 'models' ? t('models.title') : view === 'library' ? t('library.title') : view === 'evaluation' ? t('evaluation.title') : view === 'training' ? t('training.title') : title || t('sidebar.newChat');
  return (
    <header className="top-bar">
      <h1 className="top-bar-title" title={heading}>
        {heading}
      </h1>
      <ModelStatus />
    </header>
  );
}
