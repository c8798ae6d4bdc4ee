/**
 * `dianjin train grpo` through the real built CLI, the real native trainer and a real rollout process on the tiny
 * model: a short run prints a line per step and the JSON series; a killed run shows paused and `train resume`
 * continues its steps; bad data and a missing trainer are one sentence each. The runs need the trainer
 * (`npm run build:trainer`); the error cases do not.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModel } from '../testing/fixtures';
import { lastJson, trainingCli } from '../testing/trainingCli';

const { home, built, dianjin, killAtStep } = trainingCli('dianjin-grpo-cli-');
afterAll(() => home.cleanup());

const data = path.join(home.dir, 'grpo.jsonl');
writeFileSync(
  data,
  [
    { question: 'Revenue 1,400, operating profit 210: operating margin?', answer: '0.15', task: 'finqa' },
    { question: '下列哪些属于金融资产？', answer: 'ABD', task: 'cflue', choices: { A: '现金', B: '债券', C: '存货', D: '股票' } },
    { question: '客户经理向客户承诺保本保收益。', answer: '违规', task: 'ccc' },
  ]
    .map((l) => JSON.stringify(l))
    .join('\n') + '\n',
);
const small = ['--group', '4', '--max-tokens', '4', '--prompt', 'chat', '--ctx', '96', '--threads', '1', '--lr', '0.001'];

describe('dianjin train grpo (refusals)', () => {
  it('names the bad lines of a file with nothing usable, in one sentence', () => {
    const bad = path.join(home.dir, 'bad.jsonl');
    writeFileSync(bad, 'not json\n{"question":"q","answer":"1"}\n');
    const result = dianjin(['train', 'grpo', '--model', tinyModel, '--data', bad, '--out', path.join(home.dir, 'x.gguf')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^dianjin: bad\.jsonl has no usable prompt \(line 1: not JSON; line 2: "task" is missing/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('says how to build the trainer when it is missing (TRAINER_UNAVAILABLE)', () => {
    const result = dianjin(['train', 'grpo', '--model', tinyModel, '--data', data, '--out', path.join(home.dir, 'x.gguf')], 60_000, { DIANJIN_TRAINER: path.join(home.dir, 'nope') });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe(`dianjin: DIANJIN_TRAINER points to ${path.join(home.dir, 'nope')}, which does not exist. Build the trainer with \`npm run build:trainer\` or fix the path.\n`);
  });
});

describe('dianjin train grpo --estimate', () => {
  it('prints the memory of the trainer and the rollouts and the time, as JSON on the last line', () => {
    const result = dianjin(['train', 'grpo', '--estimate', '--model', tinyModel, '--data', data, '--steps', '3', ...small, '--json'], 60_000);
    expect(result.code, result.stderr).toBe(0);
    const estimate = lastJson(result.stdout);
    expect(estimate).toMatchObject({ fits: true, advice: [], rolloutContextSize: 256, rolloutSpeedSource: 'assumed', config: { group: 4, maxTokens: 4, contextLength: 96, steps: 3 } });
    expect(estimate.promptTokens).toBeGreaterThan(0);
    expect(estimate.memory.rolloutContextBytes).toBeGreaterThan(0);
    expect(estimate.memory.totalBytes).toBeGreaterThan(estimate.memory.modelBytes + estimate.memory.rolloutModelBytes);
    expect(estimate.seconds).toBeGreaterThan(0);
    // No job was started.
    expect(lastJson(dianjin(['train', 'list', '--json']).stdout).grpoJobs).toEqual([]);
  });

  it('refuses a job that will not fit (TRAIN_WONT_FIT) with what to lower', () => {
    const result = dianjin(['train', 'grpo', '--estimate', '--model', tinyModel, '--data', data, '--ctx', '65536', '--max-tokens', '16384', '--group', '64', '--prompts-per-step', '64']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Needs about [\d.]+ GiB but this machine has [\d.]+ GiB\. Lower the /);
    expect(result.stderr).toMatch(/^dianjin: Needs about /);
  });
});

describe.skipIf(!built)(built ? 'dianjin train grpo (native trainer)' : 'dianjin train grpo (skipped: run `npm run build:trainer` to build the trainer)', () => {
  it('prints a line per step and the per-step series; the adapter is in the model library', () => {
    const out = path.join(home.dir, 'grpo.gguf');
    const result = dianjin(['train', 'grpo', '--model', tinyModel, '--data', data, '--out', out, '--steps', '3', ...small, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^step 3\/3 {2}reward \d\.\d\d±\d\.\d\d {2}format \d\.\d\d {2}accuracy \d\.\d\d {2}len \d+ {2}loss \S+ {2}rollout \d+ tok\/s$/m);
    const json = lastJson(result.stdout);
    expect(json).toMatchObject({ status: 'complete', out, steps: 3 });
    for (const series of ['reward', 'formatReward', 'accuracyReward', 'loss', 'length']) expect(json[series], series).toHaveLength(3);
    expect(existsSync(out)).toBe(true);
    const library = JSON.parse(readFileSync(path.join(home.dir, 'model-library.json'), 'utf8')) as { adapters: Array<{ path: string; jobId: string }> };
    expect(library.adapters).toContainEqual(expect.objectContaining({ path: out, jobId: json.jobId }));
    const list = lastJson(dianjin(['train', 'list', '--json']).stdout);
    expect(list.grpoJobs.map((j: { id: string; status: string }) => [j.id, j.status])).toContainEqual([json.jobId, 'complete']);
  }, 300_000);

  it('shows a killed run as paused; `train resume` continues its steps to the end', async () => {
    const out = path.join(home.dir, 'resumed.gguf');
    const jobId = await killAtStep(['train', 'grpo', '--model', tinyModel, '--data', data, '--out', out, '--steps', '8', '--checkpoint-every', '2', ...small], 5);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const killed = lastJson(dianjin(['train', 'show', jobId, '--json']).stdout);
    expect(killed.status).toBe('paused');
    const checkpoint = killed.checkpointStep as number;
    expect(checkpoint).toBeGreaterThanOrEqual(4);
    expect(checkpoint).toBeLessThanOrEqual(6);

    const resumed = dianjin(['train', 'resume', jobId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`from step ${checkpoint}`);
    expect(resumed.stderr).toMatch(new RegExp(`^step ${checkpoint + 1}/8 `, 'm'));
    expect(resumed.stderr).not.toMatch(new RegExp(`^step ${checkpoint}/8 `, 'm'));
    const json = lastJson(resumed.stdout);
    expect(json).toMatchObject({ status: 'complete', steps: 8, out });
    expect(json.reward).toHaveLength(8);
    expect(json.length).toHaveLength(8);
    // The steps up to the checkpoint are those of the killed run.
    expect(json.reward.slice(0, checkpoint)).toEqual(killed.reward.slice(0, checkpoint));
    expect(json.length.slice(0, checkpoint)).toEqual(killed.length.slice(0, checkpoint));
    expect(existsSync(out)).toBe(true);
  }, 600_000);
});
