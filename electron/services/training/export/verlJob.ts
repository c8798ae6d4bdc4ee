/**
 * GRPO for verl, the trainer DianJin-R1 used for its RL stage: the items as verl's parquet (asked with the same
 * DianJin-R1 prompt the workbench evaluates with), the dual reward as a custom reward file, and a launch script with
 * DianJin-R1's published settings (src/rl/grpo.sh in the DianJin-R1 repository).
 */
import type { EvalItem } from '../../../shared/evaluation';
import { AppError } from '../../../shared/errors';
import { invalidData } from '../data/sftData';
import { evalTurns, parseEvalSet } from '../../evaluation/sets';
import { prepareJobFolder, writeJobFiles } from './jobFolder';
import { readEvalSetInputText } from './readInput';
import { DIANJIN_REWARD_PY } from './rewardPython';
import { DEFAULT_EXPORT_MODEL, type TrainExportInput, type TrainExportOptions, type TrainExportResult } from './types';
import { verlParquet, type VerlRow } from './verlParquet';

/** DianJin-R1's grpo.sh, the values the launch script starts from. */
export const DIANJIN_R1_GRPO = {
  trainBatchSize: 1024,
  ppoMiniBatchSize: 256,
  microBatchPerGpu: 8,
  maxPromptLength: 1024,
  maxResponseLength: 4096,
  lr: '1e-6',
  klLossCoef: 0.001,
  klLossType: 'low_var_kl',
  rolloutN: 8,
  temperature: 0.6,
  topP: 0.95,
  tensorParallel: 4,
  gpuMemoryUtilization: 0.6,
  gpusPerNode: 8,
  epochs: 15,
  saveFreq: 50,
  testFreq: 10,
} as const;

/** Validation items held out when there are enough: 5%, at least 1, at most this many. */
const MAX_VALIDATION_ITEMS = 500;
const MIN_ITEMS_FOR_HOLDOUT = 20;

export interface ParsedGrpoData {
  items: EvalItem[];
  errors: string[];
  warnings: string[];
}

/**
 * GRPO data: JSONL with `question`, `answer` (or `reference`) and `task` (finqa, cflue, ccc; open is scored by exact
 * match), optional `context` and `choices`, read by the evaluation-set importer (so FinQA, CFLUE and DianJin-R1-Data
 * files work too). Lines it skips come back as `line N: why`; nothing usable is TRAIN_DATA_INVALID.
 */
export function parseGrpoData(text: string, fileName: string): ParsedGrpoData {
  try {
    const parsed = parseEvalSet(text, fileName);
    const notes = parsed.warnings.map(lineNote);
    return { items: parsed.items, errors: notes.filter((n) => !/repeats|renamed/.test(n)), warnings: notes.filter((n) => /repeats|renamed/.test(n)) };
  } catch (error) {
    if (error instanceof AppError && error.code === 'EVAL_SET_INVALID') {
      throw invalidData(`${error.message} Each line needs "question", "answer" (the reference) and "task" (finqa, cflue or ccc).`, error.details);
    }
    throw error;
  }
}

/** "Line 7: …" → "line 7: …", the form the SFT reader uses. */
const lineNote = (note: string): string => note.replace(/^Line (\d+)/, 'line $1');

/** The verl rows: train first, then validation (every k-th item, so every task keeps its share). */
export function verlRows(items: readonly EvalItem[]): { train: VerlRow[]; val: VerlRow[]; heldOut: boolean } {
  const valCount = items.length >= MIN_ITEMS_FOR_HOLDOUT ? Math.min(MAX_VALIDATION_ITEMS, Math.max(1, Math.round(items.length * 0.05))) : 0;
  const every = valCount > 0 ? Math.floor(items.length / valCount) : 0;
  const isVal = (i: number) => every > 0 && i % every === every - 1 && Math.floor(i / every) < valCount;
  const train: VerlRow[] = [];
  const val: VerlRow[] = [];
  items.forEach((item, i) => {
    const split = isVal(i) ? 'val' : 'train';
    const target = split === 'val' ? val : train;
    target.push(toRow(item, split, target.length));
  });
  // Too few items to hold any out: verl still wants a validation file, so it scores a few training prompts.
  if (val.length === 0) val.push(...items.slice(0, Math.min(items.length, 32)).map((item, i) => toRow(item, 'val', i)));
  return { train, val, heldOut: valCount > 0 };
}

function toRow(item: EvalItem, split: 'train' | 'val', index: number): VerlRow {
  return {
    data_source: `dianjin/${item.task}`,
    prompt: evalTurns(item).map((t) => ({ role: t.role, content: t.content })),
    ability: 'finance',
    reward_model: { style: 'rule', ground_truth: item.reference },
    extra_info: { split, index, id: item.id, task: item.task },
  };
}

/** Largest power of two ≤ n (n ≥ 1). */
const powerOfTwoAtMost = (n: number): number => 2 ** Math.floor(Math.log2(Math.max(1, n)));

/** Writes a verl GRPO job folder: data/train.parquet, data/val.parquet, reward/dianjin_reward.py, run_grpo.sh, README.md. */
export async function exportVerlJob(input: TrainExportInput, outDir: string, options: TrainExportOptions = {}): Promise<TrainExportResult> {
  const { text, fileName } = await readEvalSetInputText(input);
  const parsed = parseGrpoData(text, fileName);
  const out = await prepareJobFolder(outDir, options.force ?? false);
  const { train, val, heldOut } = verlRows(parsed.items);
  // DianJin-R1's batch sizes, scaled down (to powers of two, which divide each other) when there are fewer items.
  const trainBatch = Math.min(DIANJIN_R1_GRPO.trainBatchSize, powerOfTwoAtMost(train.length));
  const miniBatch = Math.min(DIANJIN_R1_GRPO.ppoMiniBatchSize, trainBatch);
  const warnings = [...parsed.warnings];
  if (!heldOut) warnings.push(`only ${parsed.items.length} items: val.parquet repeats training prompts (${MIN_ITEMS_FOR_HOLDOUT} or more hold 5% out)`);
  if (trainBatch < DIANJIN_R1_GRPO.trainBatchSize) warnings.push(`train batch ${trainBatch} and PPO mini-batch ${miniBatch} (DianJin-R1: 1024 and 256) to fit ${train.length} training items`);
  const model = options.model ?? DEFAULT_EXPORT_MODEL;
  const tasks = countTasks(parsed.items);
  const files = await writeJobFiles(out, [
    ['data/train.parquet', verlParquet(train)],
    ['data/val.parquet', verlParquet(val)],
    ['reward/dianjin_reward.py', DIANJIN_REWARD_PY],
    ['run_grpo.sh', runGrpoScript({ model, trainBatch, miniBatch })],
    ['README.md', verlReadme({ model, train: train.length, val: val.length, heldOut, tasks, trainBatch, miniBatch })],
  ]);
  return { format: 'verl', out, files, items: parsed.items.length, validationItems: heldOut ? val.length : 0, errors: parsed.errors, warnings };
}

function countTasks(items: readonly EvalItem[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.task, (counts.get(item.task) ?? 0) + 1);
  return [...counts].map(([task, n]) => `${task} ${n}`).join(', ');
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function runGrpoScript(o: { model: string; trainBatch: number; miniBatch: number }): string {
  const g = DIANJIN_R1_GRPO;
  return `#!/usr/bin/env bash
# GRPO with verl on DianJin-R1's dual reward, written by DianJin Workbench (dianjin train export --format verl).
# Settings mirror DianJin-R1's src/rl/grpo.sh (8 GPUs, group of 8, lr 1e-6, KL 0.001 low_var_kl, 15 epochs); each can
# be changed with the variable of the same name:  MODEL_PATH=/models/my-sft N_GPUS=4 TP=2 bash run_grpo.sh
# Extra verl overrides go after the script's name:  bash run_grpo.sh trainer.total_epochs=1
set -euo pipefail
cd "$(dirname "$0")"

MODEL_PATH=\${MODEL_PATH:-${shellQuote(o.model)}}   # HF id or folder (safetensors); DianJin-R1 started from its SFT model
EXPERIMENT_NAME=\${EXPERIMENT_NAME:-dianjin-grpo}
N_GPUS=\${N_GPUS:-${g.gpusPerNode}}
NNODES=\${NNODES:-1}
TP=\${TP:-${g.tensorParallel}}                          # vLLM tensor parallel size for rollouts
EPOCHS=\${EPOCHS:-${g.epochs}}
TRAIN_BATCH_SIZE=\${TRAIN_BATCH_SIZE:-${o.trainBatch}}       # DianJin-R1: ${g.trainBatchSize}
PPO_MINI_BATCH_SIZE=\${PPO_MINI_BATCH_SIZE:-${o.miniBatch}}   # DianJin-R1: ${g.ppoMiniBatchSize}
MICRO_BATCH_PER_GPU=\${MICRO_BATCH_PER_GPU:-${g.microBatchPerGpu}}
ROLLOUT_N=\${ROLLOUT_N:-${g.rolloutN}}                 # group size
LORA_RANK=\${LORA_RANK:-0}                  # 0: full fine-tune as DianJin-R1; e.g. 64 for a LoRA adapter
LORA_ALPHA=\${LORA_ALPHA:-$(( LORA_RANK * 2 ))}
# verl releases that moved the reward settings under "reward." need REWARD_PREFIX=reward.
REWARD_PREFIX=\${REWARD_PREFIX:-}
SAVE_DIR=\${SAVE_DIR:-checkpoints/$EXPERIMENT_NAME}

LORA_ARGS=()
if [ "$LORA_RANK" -gt 0 ]; then
  LORA_ARGS=(
    actor_rollout_ref.model.lora_rank="$LORA_RANK"
    actor_rollout_ref.model.lora_alpha="$LORA_ALPHA"
    actor_rollout_ref.model.target_modules=all-linear
    actor_rollout_ref.rollout.load_format=safetensors
  )
fi

mkdir -p logs
python3 -m verl.trainer.main_ppo \\
    algorithm.adv_estimator=grpo \\
    data.train_files=data/train.parquet \\
    data.val_files=data/val.parquet \\
    data.prompt_key=prompt \\
    data.train_batch_size="$TRAIN_BATCH_SIZE" \\
    data.max_prompt_length=${g.maxPromptLength} \\
    data.max_response_length=${g.maxResponseLength} \\
    data.filter_overlong_prompts=True \\
    data.truncation='error' \\
    actor_rollout_ref.model.path="$MODEL_PATH" \\
    actor_rollout_ref.model.enable_gradient_checkpointing=True \\
    actor_rollout_ref.model.use_remove_padding=True \\
    actor_rollout_ref.actor.optim.lr=${g.lr} \\
    actor_rollout_ref.actor.ppo_mini_batch_size="$PPO_MINI_BATCH_SIZE" \\
    actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu="$MICRO_BATCH_PER_GPU" \\
    actor_rollout_ref.actor.use_kl_loss=True \\
    actor_rollout_ref.actor.kl_loss_coef=${g.klLossCoef} \\
    actor_rollout_ref.actor.kl_loss_type=${g.klLossType} \\
    actor_rollout_ref.actor.entropy_coeff=0 \\
    actor_rollout_ref.actor.fsdp_config.param_offload=True \\
    actor_rollout_ref.actor.fsdp_config.optimizer_offload=True \\
    "actor_rollout_ref.actor.checkpoint.contents=['model','hf_model','optimizer','extra']" \\
    actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu="$MICRO_BATCH_PER_GPU" \\
    actor_rollout_ref.rollout.tensor_model_parallel_size="$TP" \\
    actor_rollout_ref.rollout.name=vllm \\
    actor_rollout_ref.rollout.gpu_memory_utilization=${g.gpuMemoryUtilization} \\
    actor_rollout_ref.rollout.temperature=${g.temperature} \\
    actor_rollout_ref.rollout.top_p=${g.topP} \\
    actor_rollout_ref.rollout.n="$ROLLOUT_N" \\
    actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu="$MICRO_BATCH_PER_GPU" \\
    actor_rollout_ref.ref.fsdp_config.param_offload=True \\
    algorithm.kl_ctrl.kl_coef=${g.klLossCoef} \\
    "\${REWARD_PREFIX}custom_reward_function.path=reward/dianjin_reward.py" \\
    "\${REWARD_PREFIX}custom_reward_function.name=compute_score" \\
    trainer.critic_warmup=0 \\
    "trainer.logger=['console']" \\
    trainer.project_name=dianjin-workbench \\
    trainer.experiment_name="$EXPERIMENT_NAME" \\
    trainer.n_gpus_per_node="$N_GPUS" \\
    trainer.nnodes="$NNODES" \\
    trainer.save_freq=${g.saveFreq} \\
    trainer.test_freq=${g.testFreq} \\
    trainer.default_local_dir="$SAVE_DIR" \\
    trainer.total_epochs="$EPOCHS" \\
    \${LORA_ARGS[@]+"\${LORA_ARGS[@]}"} "$@" 2>&1 | tee "logs/$EXPERIMENT_NAME.log"
`;
}

function verlReadme(o: { model: string; train: number; val: number; heldOut: boolean; tasks: string; trainBatch: number; miniBatch: number }): string {
  return `# DianJin-R1 GRPO job for verl

Written by DianJin Workbench (\`dianjin train export --format verl\`). It runs GRPO with DianJin-R1's dual reward on
a GPU cluster, with the settings of DianJin-R1's own \`src/rl/grpo.sh\`.

| file | what |
| --- | --- |
| \`data/train.parquet\` | ${o.train} prompts (${o.tasks}) in verl's RL format: \`data_source\` (\`dianjin/<task>\`), \`prompt\` (system + user messages), \`ability\`, \`reward_model\` {\`style\`: "rule", \`ground_truth\`: the reference}, \`extra_info\` {\`split\`, \`index\`, \`id\`, \`task\`} |
| \`data/val.parquet\` | ${o.val} prompts ${o.heldOut ? 'held out (every 20th item)' : 'repeated from training (too few items to hold any out)'}, scored every ${DIANJIN_R1_GRPO.testFreq} steps |
| \`reward/dianjin_reward.py\` | the reward (plain Python, no packages): \`compute_score(data_source, solution_str, ground_truth, extra_info)\` |
| \`run_grpo.sh\` | the launch command |

The prompts are the ones the workbench evaluates with (DianJin-R1's system prompt and the per-task instruction), so
an evaluation run in the workbench measures what this job trains.

## Run

Needs Python with verl (and vLLM) installed, and GPUs; DianJin-R1-7B used one node of 8.

    cd <this folder>
    MODEL_PATH=${o.model} bash run_grpo.sh

Variables: \`MODEL_PATH\` (Hugging Face id or folder; DianJin-R1 started GRPO from its SFT model), \`N_GPUS\`, \`NNODES\`,
\`TP\` (vLLM tensor parallel), \`EPOCHS\`, \`TRAIN_BATCH_SIZE\` (${o.trainBatch}), \`PPO_MINI_BATCH_SIZE\` (${o.miniBatch}),
\`MICRO_BATCH_PER_GPU\`, \`ROLLOUT_N\` (group size, 8), \`LORA_RANK\` (0 = full fine-tune; set e.g. 64 for a LoRA
adapter), \`SAVE_DIR\`. Anything else: append verl overrides, \`bash run_grpo.sh trainer.total_epochs=1\`.

Settings taken from DianJin-R1's grpo.sh: \`algorithm.adv_estimator=grpo\`, group of ${DIANJIN_R1_GRPO.rolloutN} at temperature
${DIANJIN_R1_GRPO.temperature} / top-p ${DIANJIN_R1_GRPO.topP}, lr ${DIANJIN_R1_GRPO.lr}, KL loss ${DIANJIN_R1_GRPO.klLossCoef} (\`low_var_kl\`), no entropy bonus, prompts up to
${DIANJIN_R1_GRPO.maxPromptLength} and responses up to ${DIANJIN_R1_GRPO.maxResponseLength} tokens, ${DIANJIN_R1_GRPO.epochs} epochs, train batch ${DIANJIN_R1_GRPO.trainBatchSize} and PPO mini-batch ${DIANJIN_R1_GRPO.ppoMiniBatchSize} (here
${o.trainBatch} and ${o.miniBatch}: never more than the training items), checkpoints every ${DIANJIN_R1_GRPO.saveFreq} steps.

verl releases that moved the reward settings under \`reward.\` (\`reward.custom_reward_function.path\`) need
\`REWARD_PREFIX=reward.\`.

## The reward

\`compute_score\` returns the format reward plus the accuracy reward (0, 1 or 2), as the workbench's own GRPO does:

- format: exactly one \`<think>…</think>\` block (or only \`</think>\` when the chat template opened it), then exactly
  one \`<answer>…</answer>\` holding a non-empty \`\\boxed{…}\`, nothing but whitespace around them;
- accuracy: the boxed answer (else the answer text) scored as the workbench's evaluation does: option letters as a
  set (cflue), numbers at the precision written with percent/decimal forms and scale words (finqa), compliance or
  yes/no verdicts with negation (ccc), normalised exact match (open).

\`compute_score_strict\` is DianJin-R1's published rule instead (1 only when both hold, as its
\`reward_score_cflue.py\`): set \`custom_reward_function.name=compute_score_strict\`. \`compute_score_parts\` returns
\`{score, format, accuracy}\` for verl versions whose reward manager logs the extra keys.
Check it by hand: \`echo '{"task":"cflue","reference":"B","output":"<think>…</think><answer>\\\\boxed{B}</answer>"}' | python3 reward/dianjin_reward.py\`.

## Bring the result back into the workbench

Checkpoints go to \`checkpoints/dianjin-grpo/global_step_N/actor\`. The workbench runs GGUF models:

1. Full fine-tune: the \`hf_model\` content saves a Hugging Face copy in \`…/actor/huggingface\`; otherwise merge the
   shards: \`python3 -m verl.model_merger merge --backend fsdp --local_dir checkpoints/dianjin-grpo/global_step_N/actor --target_dir merged\`.
   Then, in a llama.cpp checkout: \`python3 convert_hf_to_gguf.py merged --outfile dianjin-grpo.gguf --outtype q8_0\`.
2. LoRA (\`LORA_RANK\` > 0): the adapter (PEFT safetensors, \`…/actor/lora_adapter\`) converts with
   \`python3 convert_lora_to_gguf.py <adapter folder> --base <base model folder> --outfile dianjin-grpo-lora.gguf\`.
3. In the workbench: \`npx dianjin models import dianjin-grpo.gguf\` (or the model library's Import), then evaluate
   it on the same set. An adapter GGUF goes in with its base (\`npx dianjin models import dianjin-grpo-lora.gguf --base BASE.gguf\`,
   or the library's LoRA adapters section, which checks it against the base) and is applied on that base model
   (\`npx dianjin eval run --model BASE.gguf --lora dianjin-grpo-lora.gguf --set …\`).
`;
}
