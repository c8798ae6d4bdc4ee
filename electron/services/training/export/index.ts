/**
 * Training-job export: the workbench's GRPO and SFT jobs written for the distributed trainers DianJin-R1 used (verl
 * for GRPO, LLaMA-Factory for SFT), to run as they are on a GPU cluster; the result comes back as a GGUF.
 */
import { exportLlamaFactoryJob } from './llamaFactoryJob';
import type { TrainExportFormat, TrainExportInput, TrainExportOptions, TrainExportResult } from './types';
import { exportVerlJob } from './verlJob';

export { exportVerlJob, parseGrpoData, verlRows, DIANJIN_R1_GRPO } from './verlJob';
export { exportLlamaFactoryJob, alpacaRecord, DATASET_INFO, DIANJIN_R1_SFT, LORA_SFT } from './llamaFactoryJob';
export { VERL_PARQUET_SCHEMA, verlParquet, type VerlRow } from './verlParquet';
export { DIANJIN_REWARD_PY } from './rewardPython';
export { DEFAULT_EXPORT_MODEL, type TrainExportFormat, type TrainExportInput, type TrainExportOptions, type TrainExportResult } from './types';

/** Writes the job folder for `format`. */
export function exportTrainingJob(format: TrainExportFormat, input: TrainExportInput, outDir: string, options: TrainExportOptions = {}): Promise<TrainExportResult> {
  return format === 'verl' ? exportVerlJob(input, outDir, options) : exportLlamaFactoryJob(input, outDir, options);
}
