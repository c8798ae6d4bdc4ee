/**
 * GRPO's rewards: DianJin-R1's dual reward (a format reward and an accuracy reward, both from the evaluation scorer,
 * so training optimises exactly what evaluation measures) plus rewards a user adds (keywords, a JSON schema, an
 * answer prefix). Each reward scores one sampled output; the total is their weighted sum.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { EvalTask } from '../../../shared/evaluation';
import { GrpoRewardConfig, type GrpoCustomReward } from '../../../shared/grpo';
import { extractAnswer, formatReward, scoreOutput } from '../../evaluation/scoring';

/** One GRPO prompt: a question and its reference, scored like an evaluation item of `task`. */
export interface GrpoItem {
  id: string;
  task: EvalTask;
  question: string;
  reference: string;
  context?: string;
  choices?: Record<string, string>;
}

export type CustomReward = GrpoCustomReward;
export type RewardConfigInput = z.input<typeof GrpoRewardConfig>;

export interface RewardBreakdown {
  format: number;
  accuracy: number;
  /** Each custom reward's score before its weight, in config order. */
  custom: number[];
  total: number;
}

export interface RewardFunction {
  score(output: string, item: GrpoItem): RewardBreakdown;
}

/**
 * Builds the reward. `startInReasoning`: the chat template opened `<think>` (the sampled text then starts inside the
 * think block; the format reward counts that block).
 */
export function createReward(input: RewardConfigInput = {}, options: { startInReasoning?: boolean } = {}): RewardFunction {
  const config = GrpoRewardConfig.parse(input);
  const ajv = new Ajv({ allErrors: false, strict: false });
  const custom = config.custom.map((reward) => compileCustom(reward, ajv, options));
  const scoreOptions = options.startInReasoning !== undefined ? { startInReasoning: options.startInReasoning } : {};
  return {
    score(output, item) {
      const format = formatReward(output, scoreOptions);
      const accuracy = scoreOutput(item.task, item.reference, output, scoreOptions).correct ? 1 : 0;
      const customScores = custom.map((score) => score(output));
      const total = config.format * format + config.accuracy * accuracy + customScores.reduce((sum, s, i) => sum + s * config.custom[i]!.weight, 0);
      return { format, accuracy, custom: customScores, total };
    },
  };
}

function compileCustom(reward: CustomReward, ajv: Ajv, options: { startInReasoning?: boolean }): (output: string) => number {
  const answerOf = (output: string) => extractAnswer(output, options.startInReasoning !== undefined ? { startInReasoning: options.startInReasoning } : {});
  switch (reward.kind) {
    case 'keywords': {
      const total = reward.include.length + reward.exclude.length;
      return (output) => {
        if (total === 0) return 0;
        const text = answerOf(output).answerText;
        const hits = reward.include.filter((k) => text.includes(k)).length - reward.exclude.filter((k) => text.includes(k)).length;
        return hits / total;
      };
    }
    case 'jsonSchema': {
      let validate: ValidateFunction;
      try {
        validate = ajv.compile(reward.schema);
      } catch (error) {
        throw new AppError('INVALID_INPUT', `The JSON-schema reward's schema is not valid: ${(error as Error).message}`, { cause: String(error) });
      }
      return (output) => {
        const answer = answerOf(output);
        try {
          return validate(JSON.parse(answer.boxed ?? answer.answerText)) ? 1 : 0;
        } catch {
          return 0;
        }
      };
    }
    case 'answerStartsWith':
      return (output) => (answerText(output).trimStart().startsWith(reward.text) ? 1 : 0);
  }
}

/** The answer as written: inside `<answer>` when there is one, else after `</think>`, else the whole output. */
function answerText(output: string): string {
  const open = output.indexOf('<answer>');
  if (open >= 0) {
    const close = output.indexOf('</answer>', open);
    return output.slice(open + '<answer>'.length, close >= 0 ? close : undefined);
  }
  const think = output.lastIndexOf('</think>');
  return think >= 0 ? output.slice(think + '</think>'.length) : output;
}

/**
 * Group-relative advantages (GRPO, DeepSeekMath eq. 3 as verl's `grpo` estimator computes them): each reward minus
 * the group's mean, divided by the group's standard deviation (+ε). A group whose rewards are all equal teaches
 * nothing: its advantages are 0.
 */
export function groupAdvantages(rewards: readonly number[], epsilon = 1e-6): number[] {
  const n = rewards.length;
  if (n === 0) return [];
  const mean = rewards.reduce((a, b) => a + b, 0) / n;
  // Unbiased std, as torch.std (verl) computes it; a group of one has no spread.
  const variance = n > 1 ? rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  const std = Math.sqrt(variance);
  return rewards.map((r) => (std < 1e-12 ? 0 : (r - mean) / (std + epsilon)));
}

/**
 * Per-token weights for the trainer's loss −Σ wₜ·log πθ(tₜ): with wₜ = A − β·(1 − exp(ref_t − logp_t)), its gradient
 * is the advantage-weighted policy gradient plus β times the gradient of the k3 KL estimator
 * (exp(ref − logp) − (ref − logp) − 1, the one verl's `low_var_kl` uses) against the reference policy. Without
 * reference log-probabilities (β = 0) every token weighs A. Prompt tokens are not passed here: they weigh 0.
 */
export function policyTokenWeights(advantage: number, logprobs: readonly number[] | null, refLogprobs: readonly number[] | null, beta: number): number[] {
  if (!logprobs || !refLogprobs || beta === 0) return (logprobs ?? refLogprobs ?? []).map(() => advantage);
  return logprobs.map((logp, t) => {
    // Clamp as verl does (kl in [-10, 10]) so a token the reference finds unlikely cannot blow the weight up.
    const diff = Math.max(-10, Math.min(10, refLogprobs[t]! - logp));
    return advantage - beta * (1 - Math.exp(diff));
  });
}
