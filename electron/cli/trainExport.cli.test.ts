/** `dianjin train export` against the built CLI: job folders, line-numbered skips on stderr, --json, refusals. */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../testing/fixtures';

const home = tempDir('dianjin-cli-train-export-');
const bin = path.join(repoRoot, 'bin', 'dianjin.js');
afterAll(() => home.cleanup());

const dianjin = (args: string[]) => {
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DIANJIN_HOME: home.dir, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('dianjin train export', () => {
  it('verl: writes the job, reports skipped lines by number, --json last line', () => {
    const data = path.join(home.dir, 'grpo.jsonl');
    writeFileSync(data, ['{"task":"cflue","question":"Which?","answer":"B","choices":{"A":"x","B":"y"}}', 'not json', '{"task":"finqa","question":"Growth?","answer":"0.05"}'].join('\n'));
    const out = path.join(home.dir, 'verl-job');
    const run = dianjin(['train', 'export', '--format', 'verl', '--data', data, '--out', out, '--model', '/models/base', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/grpo\.jsonl: line 2: not JSON \(skipped\)/);
    expect(lastJson(run.stdout)).toMatchObject({ format: 'verl', out, items: 2, files: ['data/train.parquet', 'data/val.parquet', 'reward/dianjin_reward.py', 'run_grpo.sh', 'README.md'] });
    expect(existsSync(path.join(out, 'data/train.parquet'))).toBe(true);

    const again = dianjin(['train', 'export', '--format', 'verl', '--data', data, '--out', out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^dianjin: .*is not empty.*--force/);
    expect(dianjin(['train', 'export', '--format', 'verl', '--data', data, '--out', out, '--force']).code).toBe(0);
  });

  it('llamafactory: writes the job; a bad format or a file with nothing usable is one sentence', () => {
    const data = path.join(home.dir, 'sft.jsonl');
    writeFileSync(data, '{"question":"Q?","reasoning":"because","answer":"42"}\n');
    const out = path.join(home.dir, 'lf-job');
    const run = dianjin(['train', 'export', '--format', 'llamafactory', '--data', data, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/LLaMA-Factory SFT job with 1 items/);
    expect(existsSync(path.join(out, 'train_lora_sft.yaml'))).toBe(true);

    const bad = dianjin(['train', 'export', '--format', 'axolotl', '--data', data, '--out', path.join(home.dir, 'x')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^dianjin: .*axolotl/);
    writeFileSync(path.join(home.dir, 'empty.jsonl'), 'nope\n');
    const empty = dianjin(['train', 'export', '--format', 'llamafactory', '--data', path.join(home.dir, 'empty.jsonl'), '--out', path.join(home.dir, 'y')]);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/^dianjin: empty\.jsonl has no usable example \(line 1: not JSON\)/);
  });
});
