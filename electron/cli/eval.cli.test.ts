/** `dianjin eval …` through the real built CLI: scoring files, a run on the tiny model, a killed run resumed. */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTestLora } from '../../models/testModel/generateTestLora';
import { repoRoot, tempDir, tinyModel } from '../testing/fixtures';

const home = tempDir('dianjin-eval-cli-');
afterAll(() => home.cleanup());
const bin = path.join(repoRoot, 'bin', 'dianjin.js');
const env = { ...process.env, DIANJIN_HOME: home.dir, NO_COLOR: '1' };

function dianjin(args: string[], timeout = 120_000) {
  const result = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('dianjin eval score', () => {
  it('scores existing outputs per item and per task, with --json as the last line', () => {
    const file = path.join(home.dir, 'outputs.jsonl');
    const lines = [
      { id: 'f1', task: 'finqa', reference: '0.0164', output: '<think>growth 1.64%</think><answer>\\boxed{1.64\\%}</answer>' },
      { id: 'f2', task: 'finqa', reference: '0.0164', output: '<think>x</think><answer>\\boxed{2.5\\%}</answer>' },
      { id: 'c1', task: 'cflue', reference: 'ABD', output: '<think>…</think><answer>答案是 \\boxed{D、B、A}</answer>' },
      { id: 'k1', task: 'ccc', reference: '违规', output: '对话承诺保本，\\boxed{不合规}' },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const result = dianjin(['eval', 'score', '--json', file]);
    expect(result.code, result.stderr).toBe(0);
    const json = lastJson(result.stdout);
    expect(json.items.map((i: { id: string; correct: boolean }) => [i.id, i.correct])).toEqual([
      ['f1', true],
      ['f2', false],
      ['c1', true],
      ['k1', true],
    ]);
    expect(json.items.find((i: { id: string }) => i.id === 'k1').formatOk).toBe(false);
    expect(json.summary.finqa).toEqual({ n: 2, correct: 1, accuracy: 0.5 });
    expect(json.summary.cflue).toEqual({ n: 1, correct: 1, accuracy: 1 });
  });

  it('reports bad lines by number and a missing file in one sentence', () => {
    const file = path.join(home.dir, 'bad.jsonl');
    writeFileSync(file, '{"id":"a","task":"finqa","reference":"1","output":"\\\\boxed{1}"}\nnot json\n{"id":"b","task":"poetry","reference":"x","output":"y"}\n');
    const result = dianjin(['eval', 'score', '--json', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2/i);
    expect(result.stderr).toMatch(/line 3/i);
    expect(lastJson(result.stdout).items).toHaveLength(1);
    const missing = dianjin(['eval', 'score', path.join(home.dir, 'nope.jsonl')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('dianjin eval run', () => {
  it('runs the sample set on the tiny model and lists the run', () => {
    const result = dianjin(['eval', 'run', '--set', 'sample', '--model', tinyModel, '--limit', '2', '--max-tokens', '16', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = lastJson(result.stdout);
    expect(json.status).toBe('complete');
    expect(json.items).toHaveLength(2);
    for (const item of json.items) expect(typeof item.correct).toBe('boolean');
    const n = Object.values(json.summary as Record<string, { n: number }>).reduce((sum, t) => sum + t.n, 0);
    expect(n).toBe(2);
    const list = lastJson(dianjin(['eval', 'list', '--json']).stdout);
    expect(list.runs.map((r: { id: string }) => r.id)).toContain(json.runId);
  });

  it('resumes a killed run: finished items are kept, the rest run', async () => {
    const child = spawn(process.execPath, [bin, 'eval', 'run', '--set', 'sample', '--model', tinyModel, '--limit', '5', '--max-tokens', '48', '--label', 'killed'], { env });
    const lines = readline.createInterface({ input: child.stderr });
    const runId = await new Promise<string>((resolve, reject) => {
      let id = '';
      lines.on('line', (line) => {
        id ||= /^Run ([0-9a-f-]{36})/.exec(line)?.[1] ?? '';
        // Killed once at least one item is saved.
        if (id && /^[1-4]\/5 items/.test(line)) resolve(id);
      });
      child.on('exit', () => reject(new Error('the run ended before it could be killed')));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const before = lastJson(dianjin(['eval', 'show', runId, '--json']).stdout);
    expect(before.status).toBe('paused');
    expect(before.items.length).toBeGreaterThanOrEqual(1);
    expect(before.items.length).toBeLessThan(5);
    const exported = JSON.parse(dianjin(['eval', 'export', runId, '--format', 'json']).stdout) as { items: Array<{ itemId: string; output: string }> };

    const resumed = dianjin(['eval', 'resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = lastJson(resumed.stdout);
    expect(after.status).toBe('complete');
    expect(after.items).toHaveLength(5);
    const again = JSON.parse(dianjin(['eval', 'export', runId, '--format', 'json']).stdout) as { items: Array<{ itemId: string; output: string }> };
    for (const item of exported.items) expect(again.items.find((i) => i.itemId === item.itemId)?.output).toBe(item.output);
  });

  it('evaluates the model with a LoRA adapter, named in the run', async () => {
    const adapter = path.join(home.dir, 'adapter.gguf');
    await generateTestLora({ outPath: adapter });
    const result = dianjin(['eval', 'run', '--set', 'sample', '--model', tinyModel, '--lora', adapter, '--lora-scale', '0.5', '--limit', '1', '--max-tokens', '16', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const json = lastJson(result.stdout);
    expect(json.status).toBe('complete');
    expect(json.label).toContain('adapter.gguf ×0.5');
    const wrong = dianjin(['eval', 'run', '--set', 'sample', '--model', tinyModel, '--lora', path.join(home.dir, 'none.gguf'), '--limit', '1']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/^dianjin: No LoRA adapter at/);
  });

  it('explains what is missing in one sentence', () => {
    const noTarget = dianjin(['eval', 'run', '--set', 'sample']);
    expect(noTarget.code).not.toBe(0);
    expect(noTarget.stderr).toMatch(/^dianjin: .*--model/);
    const badSet = dianjin(['eval', 'run', '--set', path.join(home.dir, 'nothing.jsonl'), '--model', tinyModel]);
    expect(badSet.code).not.toBe(0);
    expect(badSet.stderr.trim().split('\n')).toHaveLength(1);
  });
});
