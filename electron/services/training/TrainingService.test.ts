/** The training service through the API dispatcher, with the real native trainer (skipped when it is not built). */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { TrainJobDetail, TrainJobSummary } from '../../shared/training';
import { createTestServices, repoRoot, tempDir, tinyModel } from '../../testing/fixtures';

const trainer = path.join(repoRoot, 'build', 'trainer', 'bin', process.platform === 'win32' ? 'dianjin-trainer.exe' : 'dianjin-trainer');
const built = existsSync(trainer);
const ctx = { signal: new AbortController().signal, host: 'cli' as const };
const examples = [
  { question: 'What is 12% of 250?', reasoning: '0.12*250=30', answer: '30' },
  { question: 'Net income 80, total assets 1000: ROA?', reasoning: '80/1000=0.08', answer: '8%' },
];

describe('TrainingService', () => {
  const dir = tempDir('dianjin-train-service-');
  let data: string;
  beforeAll(() => {
    data = path.join(dir.dir, 'sft.jsonl');
    writeFileSync(data, examples.map((e) => JSON.stringify(e)).join('\n') + '\n');
  });
  afterAll(() => dir.cleanup());

  it('refuses a job that does not fit this machine (TRAIN_WONT_FIT) with what to change, and stores nothing', async () => {
    const services = await createTestServices({ totalMemoryBytes: 64 * 1024 ** 2, trainerPath: trainer });
    try {
      const estimate = await services.dispatcher.call('train.estimate', { modelPath: tinyModel, data: { kind: 'file', path: data }, config: { contextLength: 1024 } }, ctx);
      expect(estimate).toMatchObject({ fits: false, tokensPerEpoch: expect.any(Number) });
      const error = await services.dispatcher
        .call('train.start', { modelPath: tinyModel, data: { kind: 'file', path: data }, config: { contextLength: 1024, promptStyle: 'chat' } }, ctx)
        .catch((e: unknown) => e);
      expect(AppError.is(error, 'TRAIN_WONT_FIT')).toBe(true);
      expect((error as AppError).message).toMatch(/^This job needs about \d+\.\d GiB of memory but this machine has 0\.1 GiB\. /);
      expect(await services.dispatcher.call('train.jobs', {}, ctx)).toEqual([]);
    } finally {
      await services.cleanup();
    }
  });

  it.skipIf(!built)('runs a job with progress events, pauses it with a checkpoint, resumes it to the end and registers the adapter', async () => {
    const services = await createTestServices({ trainerPath: trainer });
    const events: AppEvent[] = [];
    const unsubscribe = services.events.subscribe((e) => events.push(e));
    try {
      const out = path.join(dir.dir, 'adapter.gguf');
      const job = (await services.dispatcher.call(
        'train.start',
        { modelPath: tinyModel, data: { kind: 'file', path: data }, out, config: { steps: 40, contextLength: 128, promptStyle: 'chat', threads: 1, checkpointEvery: 5, lr: 0.001 } },
        ctx,
      )) as TrainJobSummary;
      // Pause once a few steps are done: the trainer finishes its step, checkpoints and exits.
      await new Promise<void>((resolve) => {
        const off = services.events.subscribe((e) => {
          if (e.type === 'train.progress' && e.point && e.point.step >= 7) {
            off();
            resolve();
          }
        });
      });
      const paused = (await services.dispatcher.call('train.pause', { jobId: job.id }, ctx)) as TrainJobSummary;
      expect(paused.status).toBe('paused');
      expect(paused.checkpointStep).toBe(paused.step);
      expect(paused.step).toBeGreaterThanOrEqual(7);

      await services.dispatcher.call('train.resume', { jobId: job.id }, ctx);
      const done = await services.training.whenSettled(job.id);
      expect(done).toMatchObject({ status: 'complete', step: 40, totalSteps: 40, backend: 'CPU' });
      const detail = (await services.dispatcher.call('train.job', { jobId: job.id }, ctx)) as TrainJobDetail;
      expect(detail.loss.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(detail.checkpoints.map((c) => c.step)).toEqual(expect.arrayContaining([5, paused.step, 40]));
      expect(existsSync(out)).toBe(true);
      expect(await services.dispatcher.call('train.adapters', {}, ctx)).toEqual([expect.objectContaining({ path: out, baseModelPath: tinyModel, jobId: job.id })]);
      const progress = events.filter((e) => e.type === 'train.progress');
      expect(progress.some((e) => e.type === 'train.progress' && e.point !== null && e.job.etaSeconds !== null)).toBe(true);
      expect(events.some((e) => e.type === 'train.changed')).toBe(true);
    } finally {
      unsubscribe();
      await services.cleanup();
    }
  }, 300_000);
});
