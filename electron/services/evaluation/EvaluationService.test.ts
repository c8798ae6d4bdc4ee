/**
 * Evaluation runs end to end on the tiny generated model (real inference process, real SQLite). Its answers are
 * gibberish, so these tests check mechanics: items generated, scored, saved, paused, resumed, exported.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { AppEvent } from '../../shared/api';
import type { EvalRunSummary } from '../../shared/evaluation';
import { createTestServices, tinyModel } from '../../testing/fixtures';
import { startStubOpenAiServer } from '../engines/testing/stubOpenAiServer';

type Services = Awaited<ReturnType<typeof createTestServices>>;
let s: Services;
beforeAll(async () => {
  s = await createTestServices();
});
afterAll(() => s.cleanup());

const quick = { maxTokens: 16, temperature: 0.6 };

function nextProgress(predicate: (run: EvalRunSummary) => boolean): Promise<EvalRunSummary> {
  return new Promise((resolve) => {
    const off = s.events.subscribe((event: AppEvent) => {
      if (event.type === 'eval.progress' && predicate(event.run)) {
        off();
        resolve(event.run);
      }
    });
  });
}

describe('EvaluationService on the tiny model', () => {
  it('runs the sample set with a limit: every item generated, scored and saved, in its own inference process', async () => {
    const set = await s.evaluation.addSample();
    expect(set.itemCount).toBeGreaterThan(10);
    expect((await s.evaluation.addSample()).id).toBe(set.id);
    const started = await s.evaluation.start({ setId: set.id, target: { kind: 'local', modelPath: tinyModel }, sampling: quick, limit: 3 });
    expect(started.total).toBe(3);
    expect(started.modelName).toBe('DianJin Test Tiny');
    expect(started.label).toContain('DianJin Test Tiny');
    const finished = await s.evaluation.whenSettled(started.id);
    expect(finished.status, JSON.stringify(finished.error)).toBe('complete');
    expect(finished.done).toBe(3);
    const detail = s.evaluation.detail(started.id);
    expect(detail.rows).toHaveLength(3);
    for (const row of detail.rows) {
      expect(row.error).toBeNull();
      expect(row.correct).not.toBeNull();
      expect(row.completionTokens).toBeGreaterThan(0);
      expect(row.seconds).toBeGreaterThan(0);
    }
    expect(finished.stats.overall.n).toBe(3);
    expect(finished.stats.overall.ci[0]).toBeGreaterThanOrEqual(0);
    expect(finished.stats.overall.ci[1]).toBeLessThanOrEqual(1);
    // The chat's inference process was never used.
    expect(s.inference.status.state).toBe('idle');
    const item = s.evaluation.result(started.id, detail.rows[0]!.itemId);
    expect(item.output.length).toBeGreaterThan(0);
    expect(item.question.length).toBeGreaterThan(0);

    const csv = s.evaluation.export(started.id, 'csv');
    expect(csv.fileName).toMatch(/\.csv$/);
    const lines = csv.content.replace(/^\ufeff/, '').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,task,question,reference,predicted,correct,format_ok/);
    const json = JSON.parse(s.evaluation.export(started.id, 'json').content) as { run: EvalRunSummary; items: unknown[] };
    expect(json.items).toHaveLength(3);
    expect(json.run.id).toBe(started.id);
  });

  it('pauses after the item in flight and resumes with finished items kept', async () => {
    const set = await s.evaluation.addSample();
    const started = await s.evaluation.start({ setId: set.id, target: { kind: 'local', modelPath: tinyModel }, sampling: { ...quick, maxTokens: 32 }, limit: 5, sample: { size: 5, seed: 3 } });
    await nextProgress((run) => run.id === started.id && run.done >= 1);
    const paused = await s.evaluation.pause(started.id);
    expect(paused.status).toBe('paused');
    expect(paused.done).toBeGreaterThanOrEqual(1);
    expect(paused.done).toBeLessThan(5);
    const kept = s.evaluation.detail(started.id).rows.map((r) => [r.itemId, s.evaluation.result(started.id, r.itemId).output]);

    s.evaluation.resume(started.id);
    expect(() => s.evaluation.resume(started.id)).toThrow(expect.objectContaining({ code: 'EVAL_RUN_ACTIVE' }));
    const finished = await s.evaluation.whenSettled(started.id);
    expect(finished.status).toBe('complete');
    expect(finished.done).toBe(5);
    for (const [itemId, output] of kept) expect(s.evaluation.result(started.id, itemId!).output).toBe(output);
  });

  it('runs queue one after another', async () => {
    const set = await s.evaluation.addSample();
    const a = await s.evaluation.start({ setId: set.id, target: { kind: 'local', modelPath: tinyModel }, sampling: quick, limit: 1 });
    const b = await s.evaluation.start({ setId: set.id, target: { kind: 'local', modelPath: tinyModel }, sampling: quick, limit: 1, label: 'second' });
    expect(s.evaluation.summary(b.id).status).toBe('queued');
    expect((await s.evaluation.whenSettled(a.id)).status).toBe('complete');
    expect((await s.evaluation.whenSettled(b.id)).status).toBe('complete');
    expect(s.evaluation.summary(b.id).label).toBe('second');
  });

  it('refuses a missing model before anything runs, and a bad set file with a clear error', async () => {
    const set = await s.evaluation.addSample();
    await expect(s.evaluation.start({ setId: set.id, target: { kind: 'local', modelPath: path.join(s.paths.dataDir, 'nope.gguf') } })).rejects.toSatisfy(
      (e) => AppError.is(e, 'MODEL_FILE_NOT_FOUND'),
    );
    const bad = path.join(s.paths.dataDir, 'bad.jsonl');
    writeFileSync(bad, 'not json\n{"also": "not a set"}\n');
    await expect(s.evaluation.importSet(bad)).rejects.toSatisfy((e) => AppError.is(e, 'EVAL_SET_INVALID'));
    await expect(s.evaluation.importSet(path.join(s.paths.dataDir, 'missing.jsonl'))).rejects.toSatisfy((e) => AppError.is(e, 'EVAL_SET_INVALID'));
  });

  it('marks runs a stopped process left running as paused when the services start again', async () => {
    const set = await s.evaluation.addSample();
    const run = await s.evaluation.start({ setId: set.id, target: { kind: 'local', modelPath: tinyModel }, sampling: quick, limit: 1 });
    await s.evaluation.whenSettled(run.id);
    // Simulate a process killed mid-run.
    s.store.database.prepare("UPDATE eval_runs SET status = 'running' WHERE id = ?").run(run.id);
    const { EvaluationService, EvaluationRepository } = await import('./index');
    new EvaluationService({
      repository: new EvaluationRepository(s.store.database),
      events: s.events,
      openEngine: () => Promise.reject(new Error('unused')),
      describeTarget: () => Promise.reject(new Error('unused')),
    });
    expect(s.evaluation.summary(run.id).status).toBe('paused');
  });
});

describe('EvaluationService on a remote engine, with a judge', () => {
  it('runs over HTTP, scores by rule, then the judge grades FinQA answers and each one says it was judged', async () => {
    const server = await startStubOpenAiServer();
    try {
      const file = path.join(s.paths.dataDir, 'margins.jsonl');
      const items = [
        { id: 'm1', task: 'finqa', question: 'Revenue 200, cost 150: gross margin?', reference: '0.25' },
        { id: 'm2', task: 'finqa', question: 'Revenue 200, cost 140: gross margin?', reference: '0.3' },
        { id: 'c1', task: 'cflue', question: 'Which is an asset?', reference: 'A', choices: { A: 'Cash', B: 'Revenue' } },
      ];
      writeFileSync(file, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
      const set = await s.evaluation.importSet(file);
      expect(set.itemCount).toBe(3);
      expect((await s.evaluation.importSet(file)).id).toBe(set.id);
      const run = await s.evaluation.start({
        setId: set.id,
        target: { kind: 'remote', baseUrl: server.baseUrl, model: 'dianjin-inline' },
        judge: { kind: 'remote', baseUrl: server.baseUrl, model: 'judge-agrees' },
      });
      expect(run.modelName).toBe('dianjin-inline');
      const done = await s.evaluation.whenSettled(run.id);
      expect(done.status, JSON.stringify(done.error)).toBe('complete');
      const rows = Object.fromEntries(s.evaluation.detail(run.id).rows.map((r) => [r.itemId, r]));
      // By rule: 25% matches 0.25; the judge then agrees with both FinQA answers, including the wrong one.
      expect(rows.m1).toMatchObject({ predicted: '0.25', correct: true, formatOk: false, judged: true });
      expect(rows.m2).toMatchObject({ correct: true, judged: true });
      // Multiple choice is never sent to the judge.
      expect(rows.c1).toMatchObject({ judged: false, correct: false });
      expect(done.stats.tasks.finqa?.judged).toBe(2);
      expect(s.evaluation.result(run.id, 'm2').judgeOutput).toContain('\\boxed{1}');
      const judgeRequests = server.requests.filter((r) => r.body?.model === 'judge-agrees');
      expect(judgeRequests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
