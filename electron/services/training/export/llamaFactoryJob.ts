/**
 * SFT for LLaMA-Factory, the trainer DianJin-R1 used for its SFT stage: the examples in its alpaca format (the
 * prompt the workbench evaluates with as instruction and system prompt, the response exactly as the workbench's own
 * SFT writes it), their `dataset_info.json` entry, and a LoRA variant of DianJin-R1's `src/sft/qwen2.5_sft.yaml`.
 * Column and key names follow LLaMA-Factory's data/README.md and examples/train_lora/*.yaml.
 */
import { formatSftResponse, parseSftJsonl, sftTurns, invalidData, type NumberedSftItem } from '../data/sftData';
import { prepareJobFolder, writeJobFiles } from './jobFolder';
import { readEvalSetInputText } from './readInput';
import { DEFAULT_EXPORT_MODEL, type TrainExportInput, type TrainExportOptions, type TrainExportResult } from './types';

export const DATASET_NAME = 'dianjin_sft';
export const DATASET_FILE = 'dianjin_sft.json';

/** One alpaca record: LLaMA-Factory joins `instruction` and `input` as the user turn, `system` is the system prompt. */
export interface AlpacaRecord {
  instruction: string;
  input: string;
  output: string;
  system: string;
}

/** The dataset's entry in dataset_info.json (alpaca, with a system column). */
export const DATASET_INFO = {
  [DATASET_NAME]: {
    file_name: DATASET_FILE,
    formatting: 'alpaca',
    columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
  },
} as const;

/** DianJin-R1's qwen2.5_sft.yaml (full fine-tune on 8 GPUs with DeepSpeed ZeRO-3). */
export const DIANJIN_R1_SFT = {
  finetuningType: 'full',
  template: 'qwen',
  cutoffLen: 16384,
  perDeviceBatch: 1,
  gradientAccumulation: 16,
  learningRate: '1.0e-5',
  epochs: '3.0',
  scheduler: 'linear',
  warmupRatio: 0.03,
} as const;

/** The LoRA settings that replace the full fine-tune. */
export const LORA_SFT = { rank: 16, alpha: 32, dropout: 0.05, target: 'all', learningRate: '1.0e-4' } as const;

export function alpacaRecord(entry: NumberedSftItem): AlpacaRecord {
  const turns = sftTurns(entry.item, 'dianjin');
  return {
    instruction: turns.filter((t) => t.role === 'user').map((t) => t.content).join('\n\n'),
    input: '',
    output: formatSftResponse(entry.item),
    system: turns.find((t) => t.role === 'system')?.content ?? '',
  };
}

/** Writes a LLaMA-Factory SFT job folder: data/dianjin_sft.json, data/dataset_info.json, train_lora_sft.yaml, run_sft.sh, README.md. */
export async function exportLlamaFactoryJob(input: TrainExportInput, outDir: string, options: TrainExportOptions = {}): Promise<TrainExportResult> {
  const { text, fileName } = await readEvalSetInputText(input);
  const parsed = parseSftJsonl(text);
  if (parsed.items.length === 0) {
    const first = parsed.errors.slice(0, 3).join('; ');
    throw invalidData(`${fileName} has no usable example${first ? ` (${first})` : ''}. Each line needs "question", "reasoning" and "answer" (the final answer text), optionally "context".`, {
      errors: parsed.errors,
    });
  }
  const out = await prepareJobFolder(outDir, options.force ?? false);
  const model = options.model ?? DEFAULT_EXPORT_MODEL;
  const records = parsed.items.map(alpacaRecord);
  const files = await writeJobFiles(out, [
    [`data/${DATASET_FILE}`, JSON.stringify(records, null, 1) + '\n'],
    ['data/dataset_info.json', JSON.stringify(DATASET_INFO, null, 2) + '\n'],
    ['train_lora_sft.yaml', trainLoraSftYaml(model)],
    ['run_sft.sh', RUN_SFT],
    ['README.md', llamaFactoryReadme(model, records.length)],
  ]);
  return { format: 'llamafactory', out, files, items: records.length, validationItems: 0, errors: parsed.errors, warnings: parsed.warnings };
}

/** A YAML scalar: plain when safe, else double-quoted JSON (valid YAML). */
const yamlScalar = (value: string): string => (/^[A-Za-z0-9_./@-][A-Za-z0-9_./@:+-]*$/.test(value) && !/^(?:true|false|null|yes|no|on|off)$/i.test(value) ? value : JSON.stringify(value));

export function trainLoraSftYaml(model: string): string {
  const s = DIANJIN_R1_SFT;
  return `# LoRA SFT on DianJin-R1-style reasoning data, written by DianJin Workbench (dianjin train export --format llamafactory).
# Mirrors DianJin-R1's src/sft/qwen2.5_sft.yaml; the differences are marked "DianJin-R1:".
# Run from this folder: llamafactory-cli train train_lora_sft.yaml (or bash run_sft.sh)

### model
model_name_or_path: ${yamlScalar(model)}
trust_remote_code: true

### method
stage: sft
do_train: true
finetuning_type: lora  # DianJin-R1: ${s.finetuningType} (all weights, DeepSpeed ZeRO-3 on 8 GPUs)
lora_rank: ${LORA_SFT.rank}
lora_alpha: ${LORA_SFT.alpha}
lora_dropout: ${LORA_SFT.dropout}
lora_target: ${LORA_SFT.target}
# deepspeed: examples/deepspeed/ds_z3_config.json  # DianJin-R1 used ZeRO-3 (path inside a LLaMA-Factory checkout)

### dataset
dataset: ${DATASET_NAME}
dataset_dir: data
template: ${s.template}  # Qwen2.5 chat template; use the one matching model_name_or_path
cutoff_len: ${s.cutoffLen}
max_samples: 1000000
overwrite_cache: true
preprocessing_num_workers: 16  # DianJin-R1: 128

### output
output_dir: saves/dianjin-lora-sft
logging_steps: 10
save_strategy: epoch
plot_loss: true
overwrite_output_dir: true
report_to: none

### train
per_device_train_batch_size: ${s.perDeviceBatch}
gradient_accumulation_steps: ${s.gradientAccumulation}
learning_rate: ${LORA_SFT.learningRate}  # DianJin-R1: ${s.learningRate} (full fine-tune; LoRA takes a larger rate)
num_train_epochs: ${s.epochs}
lr_scheduler_type: ${s.scheduler}
warmup_ratio: ${s.warmupRatio}
bf16: true
ddp_timeout: 180000000
`;
}

const RUN_SFT = `#!/usr/bin/env bash
# LoRA SFT with LLaMA-Factory, written by DianJin Workbench. Uses every visible GPU (DianJin-R1: 8).
set -euo pipefail
cd "$(dirname "$0")"
llamafactory-cli train train_lora_sft.yaml "$@"
`;

function llamaFactoryReadme(model: string, count: number): string {
  return `# DianJin-R1 SFT job for LLaMA-Factory

Written by DianJin Workbench (\`dianjin train export --format llamafactory\`): LoRA SFT on ${count} reasoning examples
with the settings of DianJin-R1's \`src/sft/qwen2.5_sft.yaml\`.

| file | what |
| --- | --- |
| \`data/${DATASET_FILE}\` | the examples, alpaca format: \`system\` (DianJin-R1's system prompt), \`instruction\` (the question asked as the workbench evaluates it), \`input\` (empty), \`output\` (\`<think>\\nreasoning\\n</think>\\n<answer>\\n…\\\\boxed{answer}\\n</answer>\`) |
| \`data/dataset_info.json\` | the dataset's entry (\`${DATASET_NAME}\`: \`file_name\`, \`formatting: alpaca\`, \`columns\`) |
| \`train_lora_sft.yaml\` | the training config |
| \`run_sft.sh\` | \`llamafactory-cli train train_lora_sft.yaml\` |

## Run

Needs Python with LLaMA-Factory installed, and GPUs.

    cd <this folder>
    bash run_sft.sh            # or: llamafactory-cli train train_lora_sft.yaml

The base model is \`${model}\` (\`model_name_or_path\`); change it, and \`template\` with it, in the YAML.

## Where this differs from DianJin-R1's config

DianJin-R1 fine-tuned all weights (\`finetuning_type: full\`, DeepSpeed ZeRO-3, learning rate 1e-5) of Qwen2.5-7B/32B-Instruct.
This job trains a LoRA adapter instead (\`lora_rank: ${LORA_SFT.rank}\`, \`lora_alpha: ${LORA_SFT.alpha}\`, all linear layers, learning rate
${LORA_SFT.learningRate}), which fits far fewer GPUs and comes back as an adapter the workbench applies on its base model.
Everything else is DianJin-R1's: \`template: qwen\`, \`cutoff_len: 16384\`, batch 1 × 16 accumulation per device, 3 epochs,
linear schedule with 3% warm-up, bf16. For the full fine-tune, set \`finetuning_type: full\`, remove the \`lora_*\` keys,
uncomment \`deepspeed\` and use \`learning_rate: 1.0e-5\`.

## Bring the result back into the workbench

The adapter is saved in \`saves/dianjin-lora-sft\` (PEFT: \`adapter_config.json\`, \`adapter_model.safetensors\`).

- As an adapter: in a llama.cpp checkout, \`python3 convert_lora_to_gguf.py saves/dianjin-lora-sft --base <base model folder> --outfile dianjin-sft-lora.gguf\`;
  add it to the model library with its base (\`npx dianjin models import dianjin-sft-lora.gguf --base BASE.gguf\`, or the
  library's LoRA adapters section, which checks it against the base) and use it in the chat or evaluate it on the base
  model's GGUF (\`npx dianjin eval run --model BASE.gguf --lora dianjin-sft-lora.gguf --set …\`).
- Merged: \`llamafactory-cli export\` with \`model_name_or_path\`, \`adapter_name_or_path: saves/dianjin-lora-sft\`,
  \`template: qwen\`, \`finetuning_type: lora\`, \`export_dir: merged\`; then \`python3 convert_hf_to_gguf.py merged --outfile dianjin-sft.gguf --outtype q8_0\`
  and \`npx dianjin models import dianjin-sft.gguf\` (or the model library's Import).
`;
}
