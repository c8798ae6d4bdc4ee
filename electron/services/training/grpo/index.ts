/** GRPO: DianJin-R1's second stage on the LoRA trainer (runner, rewards, jobs). */
export { GrpoService } from './GrpoService';
export type { GrpoServiceOptions } from './GrpoService';
export { GrpoRepository } from './GrpoRepository';
export { grpoRollouts, type GrpoRollouts, type OpenRollouts } from './rollouts';
export { readGrpoFile, parseGrpoJsonl } from './grpoData';
export { estimateGrpo, estimateGrpoMemory, grpoStepLayout, readRolloutMemory, type RolloutMemory } from './grpoEstimate';
export { runGrpo, grpoTurns, promptsForStep, type GenerateGroup } from './GrpoRunner';
export { createReward, groupAdvantages, policyTokenWeights, type GrpoItem, type RewardFunction } from './rewards';
