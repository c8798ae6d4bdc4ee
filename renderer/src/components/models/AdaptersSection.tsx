/**
 * LoRA adapters in the model library: those fine-tuning wrote and those imported from elsewhere (a GPU cluster's
 * LLaMA-Factory or verl run, converted to GGUF), each with the base model it applies to. Import checks the adapter
 * against the chosen base before recording it; "Use in chat" loads the base with the adapter.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SerializedError, TrainedAdapter } from '../../contract';
import { pickModelFile } from '../../api';
import { modelsStore, useModels } from '../../stores';
import { ErrorMessage } from '../common/ErrorMessage';
import { InlineConfirm } from '../common/InlineConfirm';
import { loadAdapterInChat } from '../training/resultActions';

const fileName = (filePath: string) => filePath.split(/[\\/]/).pop() ?? filePath;

function AdapterRow({ adapter }: { adapter: TrainedAdapter }) {
  const { t } = useTranslation();
  const [loading, setLoading] = useState(false);
  const [refusal, setRefusal] = useState<SerializedError | null>(null);
  const [confirming, setConfirming] = useState(false);
  const openInChat = async () => {
    setLoading(true);
    setRefusal(await loadAdapterInChat({ modelPath: adapter.baseModelPath, outPath: adapter.path }));
    setLoading(false);
  };
  return (
    <tr data-testid="adapter-row" data-path={adapter.path}>
      <td>
        <div>{adapter.name}</div>
        <code className="path muted" title={adapter.path}>
          {fileName(adapter.path)}
        </code>
        {refusal && <ErrorMessage error={refusal} onDismiss={() => setRefusal(null)} />}
      </td>
      <td>
        <code className="path" title={adapter.baseModelPath}>
          {fileName(adapter.baseModelPath)}
        </code>
      </td>
      <td data-testid="adapter-origin">{adapter.jobId ? t('models.adapters.trained') : t('models.adapters.imported')}</td>
      <td className="model-action">
        <button type="button" className="button button-small button-primary" data-testid="adapter-use" disabled={loading} onClick={() => void openInChat()}>
          {loading ? t('models.adapters.loading') : t('models.adapters.use')}
        </button>
        {confirming ? (
          <InlineConfirm
            message={t('models.adapters.forgetConfirm')}
            confirmLabel={t('models.adapters.forget')}
            cancelLabel={t('models.download.keep')}
            testId="adapter-forget-prompt"
            confirmTestId="adapter-forget-confirm"
            onConfirm={() => void modelsStore.getState().forgetAdapter(adapter.path)}
            onClose={() => setConfirming(false)}
          />
        ) : (
          <button type="button" className="button button-small" data-testid="adapter-forget" title={t('models.adapters.forgetTooltip')} onClick={() => setConfirming(true)}>
            {t('models.adapters.forget')}
          </button>
        )}
      </td>
    </tr>
  );
}

export function AdaptersSection() {
  const { t } = useTranslation();
  const adapters = useModels((s) => s.adapters);
  const adaptersError = useModels((s) => s.adaptersError);
  const files = useModels((s) => s.files);
  const importing = useModels((s) => s.importingAdapter);
  const importError = useModels((s) => s.adapterImportError);
  const [adapterPath, setAdapterPath] = useState('');
  const [basePath, setBasePath] = useState('');

  useEffect(() => {
    void modelsStore.getState().refreshAdapters();
  }, []);

  const base = basePath || files[0]?.path || '';
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await modelsStore.getState().importAdapter(adapterPath, base)) setAdapterPath('');
  };
  const pick = async () => {
    const picked = await pickModelFile?.();
    if (picked) setAdapterPath(picked);
  };

  return (
    <section className="adapters-section" data-testid="adapters-section" aria-labelledby="adapters-title">
      <h3 id="adapters-title">{t('models.adapters.title')}</h3>
      <p className="muted">{t('models.adapters.intro')}</p>
      {adaptersError && <ErrorMessage error={adaptersError} />}
      {adapters.length > 0 ? (
        <table className="data-table adapter-table">
          <thead>
            <tr>
              <th>{t('models.adapters.columns.adapter')}</th>
              <th>{t('models.adapters.columns.base')}</th>
              <th>{t('models.adapters.columns.origin')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {adapters.map((adapter) => (
              <AdapterRow key={adapter.path} adapter={adapter} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted empty-list">{t('models.adapters.empty')}</p>
      )}

      <form className="model-path-form" onSubmit={(event) => void onSubmit(event)}>
        <label className="field-label" htmlFor="adapter-path">
          {t('models.adapters.pathLabel')}
        </label>
        <div className="inline-field">
          <input
            id="adapter-path"
            className="input input-mono"
            data-testid="adapter-path-input"
            value={adapterPath}
            placeholder={t('models.adapters.pathPlaceholder')}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              setAdapterPath(e.target.value);
              if (importError) modelsStore.getState().clearAdapterImportError();
            }}
          />
          {pickModelFile && (
            <button type="button" className="button" data-testid="adapter-pick" onClick={() => void pick()}>
              {t('models.adapters.pick')}
            </button>
          )}
        </div>
        <label className="field-label" htmlFor="adapter-base">
          {t('models.adapters.baseLabel')}
        </label>
        <div className="inline-field">
          <select id="adapter-base" className="input" data-testid="adapter-base" value={base} disabled={files.length === 0} onChange={(e) => setBasePath(e.target.value)}>
            {files.length === 0 && <option value="">{t('models.adapters.noBase')}</option>}
            {files.map((model) => (
              <option key={model.path} value={model.path}>
                {model.fileName}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-primary" data-testid="adapter-import" disabled={!adapterPath.trim() || !base || importing}>
            {importing ? t('models.adapters.importing') : t('models.adapters.import')}
          </button>
        </div>
        <p className="field-help">{t('models.adapters.help')}</p>
      </form>
      {importError && <ErrorMessage error={importError} onDismiss={() => modelsStore.getState().clearAdapterImportError()} />}
    </section>
  );
}
