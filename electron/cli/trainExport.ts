/**
 * `dianjin train export --format verl|llamafactory --data FILE --out DIR`: writes a job folder for the distributed
 * trainer DianJin-R1 used (verl for GRPO, LLaMA-Factory for SFT), to run as it is on a GPU cluster. Skipped input
 * lines go to stderr by number; --json puts {format, out, files, items, …} on the last stdout line.
 */
import path from 'node:path';
import { exportTrainingJob, type TrainExportFormat } from '../services/training/export';

export interface TrainExportCliOptions {
  format: TrainExportFormat;
  data: string;
  out: string;
  model?: string;
  force?: boolean;
  json?: boolean;
}

export async function runTrainExport(options: TrainExportCliOptions): Promise<number> {
  const result = await exportTrainingJob(options.format, { path: path.resolve(options.data) }, options.out, {
    ...(options.model ? { model: options.model } : {}),
    force: options.force === true,
  });
  const name = path.basename(options.data);
  for (const error of result.errors) process.stderr.write(`dianjin: ${name}: ${error} (skipped)\n`);
  for (const warning of result.warnings) process.stderr.write(`dianjin: ${name}: ${warning}\n`);
  if (options.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    const run = options.format === 'verl' ? 'bash run_grpo.sh' : 'bash run_sft.sh';
    process.stdout.write(
      `Wrote a ${options.format === 'verl' ? 'verl GRPO' : 'LLaMA-Factory SFT'} job with ${result.items} items to ${result.out}:\n` +
        result.files.map((f) => `  ${f}\n`).join('') +
        `On the GPU machine: cd into it and run \`${run}\` (README.md says how, and how to bring the result back as a GGUF).\n`,
    );
  }
  return 0;
}
