/** Fine-tuning: SFT data, its tokenisation, estimates and jobs run by the native LoRA trainer. */
export { TrainingService, holdOut } from './TrainingService';
export type { TrainingServiceOptions } from './TrainingService';
export { TrainingRepository } from './TrainingRepository';
export { estimateTraining, estimateTrainingMemory, loraParameterCount, readModelShape, formatDuration } from './estimate';
export { locateTrainer, trainerUnavailable } from './trainerProcess';
export { prepWorkerPathBeside } from './prep/runPrep';
export * from './data';
