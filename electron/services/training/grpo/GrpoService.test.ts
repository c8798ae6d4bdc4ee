/**
 * GRPO jobs through the app's API on the tiny model with the real trainer and a real rollout process: a short run
 * stores its series and recent groups and registers its adapter; pause checkpoints and resume continues the steps; a
 * crash of the rollout process fails the job with its message and resume continues from the last checkpoint. Data
 * checks need neither the trainer nor a model.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { GrpoConfigInput, GrpoEstimate, GrpoJobDetail, GrpoJobSummary, GrpoStepRecord } from '../../../shared/grpo';
import type { TrainedAdapter } from '../../../shared/training';
import { builtWorker, createTestServices, tinyModel } from '../../../testing/fixtures';
import { forkInferenceProcess } from '../../inference/process';
import type { AppServices } from '../../app';
import { locateTrainer } from '../trainerProcess';
import { parseGrpoJsonl, readGrpoFile } from './grpoData';
import { GrpoRepository } from './GrpoRepository';
import { GrpoService } from './GrpoService';
import { grpoRollouts } from './rollouts';

const trainer = locateTrainer({ workerPath: builtWorker });

const lines = [
  { question: 'Revenue 1,400, operating profit 210: operating margin?', answer: '0.15', task: 'finqa' },
  { question: '下列哪些属于金融资产？', answer: 'ABD', task: 'cflue', choices: { A: '现金', B: '债券', C: '存货', D: '股票' } },
  { question: '客户经理向客户承诺保本保收益。', answer: '违规', task: 'ccc' },
];
const mechanics: GrpoConfigInput = { group: 4, promptsPerStep: 2, maxTokens: 4, promptStyle: 'chat', contextLength: 96, lr: 1e-3 };

describe('GRPO data', () => {
  it('reads question, answer and task; names each bad line and why', () => {
    const text = [JSON.stringify(lines[0]), 'not json', JSON.stringify({ question: 'q', answer: '1' }), JSON.stringify({ question: 'q', task: 'finqa' }), '', JSON.stringify(lines[1]), JSON.stringify({ ...lines[2], answer: 'maybe' })].join('\n');
    const parsed = parseGrpoJsonl(text);
    expect(parsed.items.map((i) => [i.task, i.reference])).toEqual([
      ['finqa', '0.15'],
      ['cflue', 'ABD'],
    ]);
    expect(parsed.items[1]!.choices).toEqual({ A: '现金', B: '债券', C: '存货', D: '股票' });
    expect(parsed.errors).toEqual([
      'line 2: not JSON',
      'line 3: "task" is missing (finqa, cflue, ccc, open)',
      'line 4: "answer" (the reference) is empty',
      'line 7: "reference" "maybe" is not a verdict (合规/违规, compliant/non-compliant, yes/no)',
    ]);
  });

  it('refuses a file with nothing usable (TRAIN_DATA_INVALID), naming the first lines', async () => {
    const services = await createTestServices();
    try {
      const file = path.join(services.paths.dataDir, 'bad.jsonl');
      writeFileSync(file, 'nope\n{"question":"q","answer":"1","task":"essay"}\n');
      const error = await readGrpoFile(file).catch((e: unknown) => e);
      expect(AppError.is(error) && error.code).toBe('TRAIN_DATA_INVALID');
      expect((error as Error).message).toBe(
        'bad.jsonl has no usable prompt (line 1: not JSON; line 2: "task" "essay" is not one of finqa, cflue, ccc, open). Each line needs "question", "answer" (the reference) and "task" (finqa, cflue, ccc, open).',
      );
      expect(services.grpo.list()).toEqual([]);
    } finally {
      await services.cleanup();
    }
  });
});

describe('GRPO estimate', () => {
  it('estimates a job from the model and the data; one that will not fit is refused at start (TRAIN_WONT_FIT), nothing stored', async () => {
    // The refusal comes before the trainer is used: any path will do.
    const services = await createTestServices({ totalMemoryBytes: 2 * 1024 ** 3, trainerPath: trainer ?? '/no/dianjin-trainer' });
    const ctx = { signal: new AbortController().signal, host: 'cli' as const };
    try {
      const file = path.join(services.paths.dataDir, 'grpo.jsonl');
      writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      const small = (await services.dispatcher.call('grpo.estimate', { modelPath: tinyModel, data: file, config: mechanics }, ctx)) as GrpoEstimate;
      expect(small).toMatchObject({ fits: true, availableBytes: 2 * 1024 ** 3, rolloutContextSize: 256, advice: [] });
      expect(small.microBatchTokens).toBeLessThanOrEqual(96);
      expect(small.promptTokens).toBeGreaterThan(0);
      expect(small.memory.rolloutContextBytes).toBeGreaterThan(0);

      const huge: GrpoConfigInput = { ...mechanics, group: 64, maxTokens: 16384, contextLength: 65536 };
      const estimate = (await services.dispatcher.call('grpo.estimate', { modelPath: tinyModel, data: file, config: huge }, ctx)) as GrpoEstimate;
      expect(estimate.fits).toBe(false);
      expect(estimate.advice[0]).toMatch(/^Lower the /);
      const error = await services.dispatcher.call('grpo.start', { modelPath: tinyModel, data: file, config: huge }, ctx).catch((e: unknown) => e);
      expect(AppError.is(error, 'TRAIN_WONT_FIT')).toBe(true);
      expect((error as AppError).message).toMatch(/^This job needs about \d+\.\d GiB of memory but this machine has 2\.0 GiB\. Lower the /);
      expect(services.grpo.list()).toEqual([]);
    } finally {
      await services.cleanup();
    }
  });
});

describe.skipIf(!trainer)(trainer ? 'GRPO jobs' : 'GRPO jobs (skipped: run `npm run build:trainer` to build the trainer)', () => {
  let services: AppServices & { cleanup(): Promise<void> };
  let data: string;
  const events: AppEvent[] = [];
  beforeAll(async () => {
    services = await createTestServices({ trainerPath: trainer! });
    services.events.subscribe((event) => events.push(event));
    data = path.join(services.paths.dataDir, 'grpo.jsonl');
    writeFileSync(data, [...lines.map((l) => JSON.stringify(l)), 'not json'].join('\n') + '\n');
  }, 60_000);
  afterAll(async () => {
    await services?.cleanup();
  });

  const start = (config: GrpoConfigInput, out: string) =>
    services.dispatcher.call('grpo.start', { modelPath: tinyModel, data, out: path.join(services.paths.dataDir, out), threads: 1, config }, { signal: new AbortController().signal, host: 'cli' }) as Promise<GrpoJobSummary>;
  const job = (jobId: string) => services.dispatcher.call('grpo.job', { jobId }, { signal: new AbortController().signal, host: 'cli' }) as Promise<GrpoJobDetail>;

  it('runs to the end: the series per step, recent groups, the adapter in the model library', async () => {
    const started = await start({ ...mechanics, steps: 3, checkpointEvery: 2 }, 'short.gguf');
    expect(started).toMatchObject({ kind: 'grpo', status: 'queued', items: 3, totalSteps: 3 });
    const done = await services.grpo.whenSettled(started.id);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'complete', step: 3, checkpointStep: 3 });
    expect(existsSync(done.outPath)).toBe(true);
    const detail = await job(started.id);
    expect(detail.warnings).toEqual(['line 4: not JSON']);
    expect(detail.series.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(detail.recentGroups.map((g) => g.step)).toEqual([1, 2, 3]);
    for (const { groups } of detail.recentGroups) {
      expect(groups).toHaveLength(2);
      for (const group of groups) expect(group.samples).toHaveLength(4);
    }
    const steps = events.flatMap((e) => (e.type === 'grpo.progress' && e.job.id === started.id && e.step ? [e.step] : [])) as GrpoStepRecord[];
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(events.some((e) => e.type === 'grpo.changed')).toBe(true);
    const adapters = (await services.dispatcher.call('train.adapters', {}, { signal: new AbortController().signal, host: 'cli' })) as TrainedAdapter[];
    expect(adapters).toContainEqual(expect.objectContaining({ path: done.outPath, baseModelPath: tinyModel, jobId: started.id }));
    console.log(`GRPO job, 3 steps of 2 prompts × 4 answers: ${detail.series.map((p) => `${p.seconds.toFixed(2)} s (rollout ${p.rolloutTokensPerSecond?.toFixed(0)} tok/s)`).join(', ')}`);
  }, 300_000);

  it('pauses with a checkpoint and resumes with the steps continuing', async () => {
    const started = await start({ ...mechanics, steps: 6, checkpointEvery: 4 }, 'paused.gguf');
    const unsubscribe = services.events.subscribe((event) => {
      if (event.type === 'grpo.progress' && event.job.id === started.id && event.step?.step === 2) void services.grpo.pause(started.id);
    });
    const paused = await services.grpo.whenSettled(started.id);
    unsubscribe();
    expect(paused.status).toBe('paused');
    // Pause writes a checkpoint at the step it stopped at, not only every 4 steps.
    const at = paused.checkpointStep!;
    expect(at).toBeGreaterThanOrEqual(2);
    expect(at).toBeLessThan(6);
    const before = await job(started.id);
    expect(before.series.map((p) => p.step)).toEqual(Array.from({ length: at }, (_, i) => i + 1));

    services.grpo.resume(started.id);
    const done = await services.grpo.whenSettled(started.id);
    expect(done).toMatchObject({ status: 'complete', step: 6 });
    const after = await job(started.id);
    expect(after.series.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(after.series.slice(0, at)).toEqual(before.series);
  }, 300_000);

  it('fails with the message when the rollout process crashes, and resumes from the last checkpoint', async () => {
    // A second service on the same database whose rollout process "crashes" at its 4th group (step 2's second prompt).
    let groups = 0;
    let crash = true;
    const real = grpoRollouts({ workerPath: builtWorker, spawn: forkInferenceProcess, modelsDir: services.paths.modelsDir, loadSettings: () => services.store.getSettings().load });
    const grpo = new GrpoService({
      repository: new GrpoRepository(services.store.database),
      events: services.events,
      dataDir: services.paths.dataDir,
      trainerPath: () => trainer,
      openRollouts: async (model, options) => {
        const rollouts = await real(model, options);
        return {
          dispose: () => rollouts.dispose(),
          generateGroup: async (...args) => {
            if (crash && ++groups === 4) throw new AppError('INFERENCE_CRASHED', 'The inference process stopped unexpectedly (signal SIGKILL). It is being restarted.');
            return rollouts.generateGroup(...args);
          },
        };
      },
    });
    const started = await grpo.start({ modelPath: tinyModel, data, out: path.join(services.paths.dataDir, 'crashed.gguf'), threads: 1, config: { ...mechanics, steps: 3, checkpointEvery: 1 } });
    const failed = await grpo.whenSettled(started.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'INFERENCE_CRASHED', message: 'The inference process stopped unexpectedly (signal SIGKILL). Resume continues from step 1.' });
    expect(failed.checkpointStep).toBe(1);
    crash = false;
    grpo.resume(started.id);
    const done = await grpo.whenSettled(started.id);
    expect(done).toMatchObject({ status: 'complete', step: 3, error: null });
    expect(grpo.detail(started.id).series.map((p) => p.step)).toEqual([1, 2, 3]);
  }, 300_000);
});
