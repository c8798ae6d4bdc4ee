import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelFileInfo } from '../../contract';
import { host, pickModelFile } from '../../api';
import { appStore, modelsStore, useApp, useModels, useSettings } from '../../stores';
import { formatBytes, formatInteger } from '../../lib/format';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';
import { Icon } from '../common/Icon';
import { openModelFile } from './openModelFile';
import { AdaptersSection } from './AdaptersSection';
import { CatalogSection } from './CatalogSection';
import { MirrorSetting } from './MirrorSetting';

/** Whether a file sits in the models folder (removing it deletes it; elsewhere it is only forgotten). */
function isInFolder(path: string, folder: string | null): boolean {
  if (!folder) return false;
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  return norm(path).startsWith(`${norm(folder)}/`);
}

function ModelRow({ model, selected, selecting, inFolder, onUse }: { model: ModelFileInfo; selected: boolean; selecting: boolean; inFolder: boolean; onUse(): void }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const removing = useModels((s) => s.removing === model.path);
  const [confirming, setConfirming] = useState(false);
  return (
    <tr className={`model-row ${selected ? 'is-selected' : ''}`} data-testid="model-list-item" data-path={model.path} data-selected={selected}>
      <td className="model-file">
        <div className="model-file-name" title={model.path}>
          {model.fileName}
        </div>
        {model.name && model.name !== model.fileName && <div className="muted model-sub">{model.name}</div>}
        {!model.hasChatTemplate && <div className="warning-text model-sub">{t('models.noChatTemplate')}</div>}
      </td>
      <td className="num">{formatBytes(model.sizeBytes, locale)}</td>
      <td>{model.architecture ?? '—'}</td>
      <td>{model.quantization ?? '—'}</td>
      <td className="num">{formatInteger(model.contextLength, locale)}</td>
      <td className="num">{formatBytes(model.estimatedMemoryBytes, locale)}</td>
      <td className="model-action">
        {selected ? (
          <span className="badge badge-ok">{t('models.selected')}</span>
        ) : (
          <button type="button" className="button button-small" data-testid="model-use" disabled={selecting} onClick={onUse}>
            {t('models.use')}
          </button>
        )}
        {confirming ? (
          <InlineConfirm
            message={inFolder ? t('models.remove.deleteText') : t('models.remove.forgetText')}
            confirmLabel={inFolder ? t('models.remove.delete') : t('models.remove.forget')}
            cancelLabel={t('models.download.keep')}
            testId="model-remove-prompt"
            confirmTestId="model-remove-confirm"
            confirmDisabled={removing}
            onConfirm={() => void modelsStore.getState().remove(model.path)}
            onClose={() => setConfirming(false)}
          />
        ) : (
          <button type="button" className="button button-small" data-testid="model-remove" disabled={removing} onClick={() => setConfirming(true)}>
            {t('models.remove.button')}
          </button>
        )}
      </td>
    </tr>
  );
}

export function ModelView() {
  const { t } = useTranslation();
  const files = useModels((s) => s.files);
  const listStatus = useModels((s) => s.listStatus);
  const listError = useModels((s) => s.listError);
  const selecting = useModels((s) => s.selecting);
  const selectError = useModels((s) => s.selectError);
  const importing = useModels((s) => s.importing);
  const importError = useModels((s) => s.importError);
  const removeError = useModels((s) => s.removeError);
  const modelsDir = useApp((s) => s.info?.modelsDir ?? null);
  const loadedPath = useApp((s) => s.status?.model?.path ?? null);
  const statusError = useApp((s) => (s.status?.state === 'error' ? s.status.error : null));
  const selectedPath = useSettings((s) => s.settings?.modelPath ?? null) ?? loadedPath;
  const [path, setPath] = useState('');

  useEffect(() => {
    void modelsStore.getState().refresh();
  }, []);

  const select = async (target: string) => {
    const ok = await modelsStore.getState().select(target);
    if (ok) {
      setPath('');
      appStore.getState().setView('chat');
    }
  };

  const importFile = async (target: string) => {
    if (await modelsStore.getState().importPath(target)) setPath('');
  };

  const pickAndImport = async () => {
    const picked = await pickModelFile?.();
    if (picked) await importFile(picked);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) void select(path);
  };

  return (
    <div className="page model-view">
      <div className="page-header">
        <div>
          <h2>{t('models.title')}</h2>
          <p className="muted">{t('models.intro')}</p>
        </div>
        <div className="page-header-actions">
          <button type="button" className="button" onClick={() => void modelsStore.getState().refresh()} title={t('models.refresh')}>
            <Icon name="refresh" size={14} />
            {t('models.refresh')}
          </button>
          {pickModelFile && (
            <button type="button" className="button button-primary" data-testid="model-open-file" title={t('models.openTooltip')} onClick={() => void openModelFile()}>
              <Icon name="folder" size={14} />
              {t('models.open')}
            </button>
          )}
        </div>
      </div>

      {modelsDir && (
        <p className="models-folder">
          <span className="muted">{t('models.folder')}:</span> <code className="path" data-testid="models-dir">{modelsDir}</code>
        </p>
      )}

      <form className="model-path-form" onSubmit={onSubmit}>
        <label className="field-label" htmlFor="model-path">
          {t('models.pathLabel')}
        </label>
        <div className="inline-field">
          <input
            id="model-path"
            className="input input-mono"
            data-testid="model-path-input"
            value={path}
            placeholder={t('models.pathPlaceholder')}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setPath(e.target.value);
              if (selectError) modelsStore.getState().clearSelectError();
              if (importError) modelsStore.getState().clearImportError();
            }}
          />
          <button type="submit" className="button button-primary" data-testid="model-path-submit" disabled={!path.trim() || selecting !== null}>
            {selecting ? t('models.loading') : t('models.pathSubmit')}
          </button>
          <button
            type="button"
            className="button"
            data-testid="model-import"
            title={t('models.import.tooltip')}
            disabled={!path.trim() || importing}
            onClick={() => void importFile(path)}
          >
            {importing ? t('models.import.importing') : t('models.import.button')}
          </button>
          {pickModelFile && (
            <button type="button" className="button" data-testid="model-import-pick" title={t('models.import.pickTooltip')} disabled={importing} onClick={() => void pickAndImport()}>
              {t('models.import.pick')}
            </button>
          )}
        </div>
        <p className="field-help">{host === 'browser' ? t('models.browserHint') : t('models.dropHint')}</p>
      </form>

      {importError && <ErrorMessage error={importError} onDismiss={() => modelsStore.getState().clearImportError()} />}
      {removeError && <ErrorMessage error={removeError.error} />}
      {selectError && <ErrorMessage error={selectError.error} onDismiss={() => modelsStore.getState().clearSelectError()} />}
      {!selectError && statusError && <ErrorMessage error={statusError} />}

      {listStatus === 'error' && listError && (
        <>
          <p>{t('models.loadFailed')}</p>
          <ErrorMessage error={listError} />
        </>
      )}

      {files.length > 0 ? (
        <table className="data-table model-table">
          <thead>
            <tr>
              <th>{t('models.columns.file')}</th>
              <th className="num">{t('models.columns.size')}</th>
              <th>{t('models.columns.architecture')}</th>
              <th>{t('models.columns.quantization')}</th>
              <th className="num">{t('models.columns.context')}</th>
              <th className="num">{t('models.columns.memory')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {files.map((model) => (
              <ModelRow
                key={model.path}
                model={model}
                selected={model.path === selectedPath}
                selecting={selecting !== null}
                inFolder={isInFolder(model.path, modelsDir)}
                onUse={() => void select(model.path)}
              />
            ))}
          </tbody>
        </table>
      ) : (
        listStatus === 'ready' && <p className="muted empty-list">{t('models.empty')}</p>
      )}

      <AdaptersSection />
      <CatalogSection />
      <MirrorSetting />
    </div>
  );
}
