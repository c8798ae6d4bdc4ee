export { EvaluationService, defaultEvalSampling, seededPermutation, seededSample } from './EvaluationService';
export type { EvalEngine, EvaluationServiceOptions, TargetDescription } from './EvaluationService';
export { EvaluationRepository } from './EvaluationRepository';
export { evalTargets } from './targets';
