import { useEffect } from 'react';
import { grpoStore, useGrpo, useTraining } from '../../../stores';
import { ExportSection } from './ExportSection';
import { GrpoJobDetail } from './GrpoJobDetail';
import { GrpoJobs } from './GrpoJobs';
import { GrpoSampleInspector } from './GrpoSampleInspector';
import { GrpoSettings } from './GrpoSettings';

/** How long settings must stay unchanged before the estimate is asked again (as on the SFT tab). */
const SETTLE_MS = 300;

/** The estimate follows the model, the starting adapter, the data file and every setting. */
function useLiveEstimate() {
  const modelPath = useGrpo((s) => s.modelPath);
  const initAdapter = useGrpo((s) => s.initAdapter);
  const dataPath = useGrpo((s) => s.data?.path ?? null);
  const config = useGrpo((s) => s.config);
  useEffect(() => {
    if (!modelPath) return;
    const timer = setTimeout(() => void grpoStore.getState().refreshEstimate(), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [modelPath, initAdapter, dataPath, config]);
}

/**
 * GRPO in the fine-tuning view: the data and settings with the reward editor and Start, the jobs, the open job's live
 * charts and sampled groups (a sample opens in the reasoning inspector), and the export for a GPU cluster.
 */
export function GrpoView() {
  const sftModel = useTraining((s) => s.modelPath);
  const modelPath = useGrpo((s) => s.modelPath);
  const openJobData = useGrpo((s) => s.detail?.data?.dataPath ?? null);
  const dataPath = useGrpo((s) => s.data?.path ?? null);

  useEffect(() => {
    void grpoStore.getState().refreshJobs();
    void grpoStore.getState().refreshAdapters();
  }, []);
  // Starts from the model the SFT tab chose (itself the chat's model by default).
  useEffect(() => {
    if (!modelPath && sftModel) grpoStore.getState().setModel(sftModel);
  }, [modelPath, sftModel]);
  useLiveEstimate();

  return (
    <>
      <GrpoSettings onStarted={() => document.getElementById('grpo-detail-title')?.scrollIntoView({ block: 'start', behavior: 'smooth' })} />
      <GrpoJobs />
      <GrpoJobDetail />
      <ExportSection dataPath={openJobData ?? dataPath} />
      <GrpoSampleInspector />
    </>
  );
}
