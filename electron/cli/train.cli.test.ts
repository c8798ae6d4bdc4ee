/**
 * `dianjin train …` through the real built CLI and the real native trainer on a tiny qwen2 model: SFT lowers the loss,
 * the adapter makes `dianjin ask --lora` reproduce a training answer greedily, a killed run resumes from its last
 * checkpoint. Skipped when the trainer is not built (`npm run build:trainer`).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestModel } from '../../models/testModel/generateTestModel';
import { tinyModel } from '../testing/fixtures';
import { lastJson, trainingCli } from '../testing/trainingCli';

const { home, built, dianjin, killAtStep } = trainingCli('dianjin-train-cli-');
afterAll(() => home.cleanup());

// Short, distinctive answers; the question is asked bare (`--prompt chat`), as `dianjin ask` asks it.
const examples = [
  { question: '营业收入1,400万元，营业利润210万元，营业利润率是多少？', reasoning: '210/1400=0.15', answer: '15%' },
  { question: 'What is 12% of 250?', reasoning: '0.12*250=30', answer: '30' },
  { question: '净利润80万元，总资产1000万元，ROA是多少？', reasoning: '80/1000=0.08', answer: 'ROA为\\boxed{8\\%}' },
];

describe('dianjin train (data errors)', () => {
  it('reports bad lines by number and refuses a file with nothing usable in one sentence', () => {
    const file = path.join(home.dir, 'bad.jsonl');
    writeFileSync(file, 'not json\n{"question":"q","answer":""}\n');
    const result = dianjin(['train', 'prepare', '--model', tinyModel, '--data', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^dianjin: .*no usable example \(line 1: not JSON; line 2: empty answer/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('counts tokens with the chat template and flags examples longer than the context', () => {
    const file = path.join(home.dir, 'prep.jsonl');
    writeFileSync(file, [...examples, { question: 'long', reasoning: 'step '.repeat(300), answer: '1' }].map((e) => JSON.stringify(e)).join('\n') + '\nnope\n');
    const result = dianjin(['train', 'prepare', '--model', tinyModel, '--data', file, '--ctx', '128', '--prompt', 'chat', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const preview = lastJson(result.stdout);
    expect(preview).toMatchObject({ items: 4, usable: 3, tooLong: 1, contextLength: 128 });
    expect(preview.errors).toEqual(expect.arrayContaining(['line 5: not JSON', expect.stringMatching(/^line 4: \d+ tokens; does not fit a 128-token context/)]));
    expect(preview.preview[0].response).toBe('<think>\n210/1400=0.15\n</think>\n<answer>\n\\boxed{15%}\n</answer>');
  });

  it('says how to build the trainer when it is missing', () => {
    const file = path.join(home.dir, 'ok.jsonl');
    writeFileSync(file, examples.map((e) => JSON.stringify(e)).join('\n'));
    const result = dianjin(['train', 'sft', '--model', tinyModel, '--data', file, '--out', path.join(home.dir, 'x.gguf')], 60_000, { DIANJIN_TRAINER: path.join(home.dir, 'nope') });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/npm run build:trainer/);
  });
});

describe.skipIf(!built)(built ? 'dianjin train (native trainer)' : 'dianjin train (skipped: run `npm run build:trainer` to build the trainer)', () => {
  let model: string;
  let data: string;
  beforeAll(async () => {
    // The default test model's tied output head keeps logits within about ±1.3, so no answer can become likely; a
    // larger output norm lets SFT make one (as the trainer's own test does).
    model = path.join(home.dir, 'trainable.gguf');
    await generateTestModel({ outPath: model, outputNormWeight: 16 });
    data = path.join(home.dir, 'sft.jsonl');
    writeFileSync(data, examples.map((e) => JSON.stringify(e)).join('\n') + '\n');
  });

  const ask = (question: string, lora?: string) => {
    const result = dianjin(['ask', '--model', model, ...(lora ? ['--lora', lora] : []), '--temperature', '0', '--max-tokens', '40', '--threads', '1', '--ctx', '256', '--json', question], 120_000);
    expect(result.code, result.stderr).toBe(0);
    return lastJson(result.stdout) as { reasoning: string; answer: string };
  };

  it('lowers the loss well below its start, and the adapter makes `ask --lora` reproduce a training answer', () => {
    const out = path.join(home.dir, 'adapter.gguf');
    const result = dianjin(['train', 'sft', '--model', model, '--data', data, '--out', out, '--steps', '200', '--lr', '0.003', '--schedule', 'constant', '--rank', '16', '--alpha', '32', '--ctx', '96', '--prompt', 'chat', '--threads', '1', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/step 200\/200 {2}epoch \d+ {2}loss \d+\.\d+ {2}\d+ tok\/s/);
    const json = lastJson(result.stdout);
    expect(json).toMatchObject({ status: 'complete', out, steps: 200 });
    expect(json.loss).toHaveLength(200);
    expect(json.loss[0]).toBeGreaterThan(10);
    expect(Math.max(...json.loss.slice(-5))).toBeLessThan(0.5);

    const before = ask(examples[0]!.question);
    const after = ask(examples[0]!.question, out);
    expect(before.answer).not.toContain('\\boxed{15%}');
    expect(after.reasoning.trim()).toBe('210/1400=0.15');
    expect(after.answer).toContain('\\boxed{15%}');

    const list = lastJson(dianjin(['train', 'list', '--json']).stdout);
    expect(list.jobs.map((j: { id: string; status: string }) => [j.id, j.status])).toContainEqual([json.jobId, 'complete']);
  }, 600_000);

  it('resumes a killed run from its last checkpoint and continues the loss curve', async () => {
    const out = path.join(home.dir, 'resumed.gguf');
    const args = ['train', 'sft', '--model', model, '--data', data, '--out', out, '--steps', '60', '--lr', '0.003', '--schedule', 'constant', '--ctx', '96', '--prompt', 'chat', '--threads', '1', '--checkpoint-every', '10'];
    const jobId = await killAtStep(args, 25);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const killed = lastJson(dianjin(['train', 'show', jobId, '--json']).stdout);
    expect(killed.status).toBe('paused');
    // Checkpoints every 10 steps and at each epoch's end: at most the steps since the last one are lost.
    const checkpoint = killed.checkpointStep as number;
    expect(checkpoint).toBeGreaterThanOrEqual(20);
    expect(checkpoint).toBeLessThanOrEqual(25);
    expect(killed.steps).toBeGreaterThanOrEqual(25);

    const resumed = dianjin(['train', 'resume', jobId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`from step ${checkpoint}`);
    const json = lastJson(resumed.stdout);
    expect(json).toMatchObject({ status: 'complete', steps: 60, out });
    expect(json.loss).toHaveLength(60);
    // The steps up to the checkpoint are those of the first run; the curve goes on falling after it.
    expect(json.loss.slice(0, checkpoint)).toEqual(killed.loss.slice(0, checkpoint));
    expect(json.loss[59]).toBeLessThan(json.loss[checkpoint - 1]);
  }, 600_000);
});
