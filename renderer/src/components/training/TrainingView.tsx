import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { evaluationStore, modelsStore, trainingStore, useApp, useModels, useSettings, useTraining } from '../../stores';
import type { TrainMethod } from '../../stores/training';
import { DataSection } from './DataSection';
import { GrpoView } from './grpo/GrpoView';
import { JobDetail } from './JobDetail';
import { JobsSection } from './JobsSection';
import { SettingsSection } from './SettingsSection';

/** How long settings must stay unchanged before the preview and the estimate are asked again. */
const SETTLE_MS = 300;

const methods: TrainMethod[] = ['sft', 'grpo'];

/** The model training starts from: the one chosen in Settings, else the loaded one, else the first in the list. */
function useDefaultModel() {
  const modelPath = useTraining((s) => s.modelPath);
  const settingsPath = useSettings((s) => s.settings?.modelPath ?? null);
  const loadedPath = useApp((s) => s.status?.model?.path ?? null);
  const first = useModels((s) => s.files[0]?.path ?? null);
  useEffect(() => {
    const path = settingsPath ?? loadedPath ?? first;
    if (!modelPath && path) trainingStore.getState().setModel(path);
  }, [modelPath, settingsPath, loadedPath, first]);
}

/** The preview follows the set, the model and the context; the estimate follows every setting and the preview's tokens. */
function useLivePreviewAndEstimate() {
  const modelPath = useTraining((s) => s.modelPath);
  const source = useTraining((s) => s.source);
  const contextLength = useTraining((s) => s.config.contextLength);
  const promptStyle = useTraining((s) => s.config.promptStyle);
  const config = useTraining((s) => s.config);
  const previewTokens = useTraining((s) => (s.preview?.status === 'ready' ? (s.preview.data?.tokens ?? null) : null));
  useEffect(() => {
    // A preview in the store is current (every input it depends on clears it): none is asked again when the view remounts.
    if (!modelPath || !source || trainingStore.getState().preview) return;
    const timer = setTimeout(() => void trainingStore.getState().prepare(), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [modelPath, source, contextLength, promptStyle]);
  useEffect(() => {
    if (!modelPath) return;
    const timer = setTimeout(() => void trainingStore.getState().refreshEstimate(), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [modelPath, config, previewTokens]);
}

/**
 * Fine-tuning: build a training set, choose the settings with a live estimate of memory and time, start a LoRA SFT
 * job, watch it, and use the adapter it makes. GRPO, the second method, has its own tab (./grpo).
 */
export function TrainingView() {
  const { t } = useTranslation();
  const method = useTraining((s) => s.method);

  useEffect(() => {
    void trainingStore.getState().refreshJobs();
    void modelsStore.getState().refresh();
    // The evaluation runs and sets: a source of examples, and where "Evaluate against the base" runs.
    void evaluationStore.getState().refreshRuns();
    void evaluationStore.getState().refreshSets();
  }, []);
  useDefaultModel();
  useLivePreviewAndEstimate();

  return (
    <div className="page evaluation-view training-view" data-testid="training-view">
      <div className="page-header">
        <div>
          <h2>{t('training.title')}</h2>
          <p className="muted">{t('training.intro')}</p>
        </div>
      </div>
      <div className="train-tabs train-method" role="radiogroup" aria-label={t('training.method.label')}>
        {methods.map((m) => (
          <label key={m} className={`train-tab${method === m ? ' is-active' : ''}`} title={t(`training.method.${m}Help`)}>
            <input type="radio" name="train-method" checked={method === m} data-testid={`train-method-${m}`} onChange={() => trainingStore.getState().setMethod(m)} />
            {t(`training.method.${m}`)}
          </label>
        ))}
      </div>
      {method === 'grpo' ? (
        <GrpoView />
      ) : (
        <>
          <DataSection />
          <SettingsSection onStarted={() => document.getElementById('train-detail-title')?.scrollIntoView({ block: 'start', behavior: 'smooth' })} />
          <JobsSection />
          <JobDetail />
        </>
      )}
    </div>
  );
}
