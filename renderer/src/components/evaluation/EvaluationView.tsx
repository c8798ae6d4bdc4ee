import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { evaluationStore, modelsStore } from '../../stores';
import { evalSetAccept, importEvalSetFiles, registerEvalSetInput } from './importSet';
import { ComparisonChart } from './ComparisonChart';
import { ItemInspector } from './ItemInspector';
import { RunForm } from './RunForm';
import { RunResults } from './RunResults';
import { RunsSection } from './RunsSection';
import { SetsSection } from './SetsSection';

/**
 * Evaluation: benchmark sets, a form to run one on a local model (with or without an adapter) or a remote engine,
 * the runs with their progress, a run's results with a drill-down into the reasoning inspector, and the chart
 * comparing runs with the paper's published figures.
 */
export function EvaluationView() {
  const { t } = useTranslation();
  const inputRef = useCallback((element: HTMLInputElement | null) => registerEvalSetInput(element), []);

  useEffect(() => {
    void evaluationStore.getState().refreshSets();
    void evaluationStore.getState().refreshRuns();
    void modelsStore.getState().refresh();
  }, []);

  return (
    <div className="page evaluation-view" data-testid="evaluation-view">
      <div className="page-header">
        <div>
          <h2>{t('evaluation.title')}</h2>
          <p className="muted">{t('evaluation.intro')}</p>
        </div>
      </div>
      <input
        ref={inputRef}
        type="file"
        accept={evalSetAccept}
        hidden
        data-testid="eval-import-input"
        aria-label={t('evaluation.sets.import')}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          // Cleared so choosing the same file again fires a change.
          e.target.value = '';
          importEvalSetFiles(files);
        }}
      />
      <SetsSection />
      <RunForm onStarted={() => document.getElementById('eval-runs-title')?.scrollIntoView({ block: 'start', behavior: 'smooth' })} />
      <RunsSection />
      <RunResults />
      <ComparisonChart />
      <ItemInspector />
    </div>
  );
}
