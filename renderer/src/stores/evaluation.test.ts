import { describe, expect, it, vi } from 'vitest';
import { AppError, type ApiClient, type EvalResultDetail, type EvalResultRow, type EvalRunSummary, type EvalSetSummary, type EvalTaskScore, type TraceCheckResult } from '../contract';
import type { UploadFile } from '../api/uploads';
import { createEvaluationStore, upsertRow, upsertRun } from './evaluation';

const score = (n: number, correct: number): EvalTaskScore => ({ n, correct, accuracy: n ? correct / n : 0, ci: [0, 1], formatRate: 1, judged: 0 });

function run(id: string, extra: Partial<EvalRunSummary> = {}): EvalRunSummary {
  return {
    id,
    setId: 'set-1',
    setName: 'Sample',
    label: `run ${id}`,
    target: { kind: 'local', modelPath: '/m/tiny.gguf' },
    modelName: 'tiny',
    quantization: 'Q8_0',
    adapterName: null,
    judge: null,
    sampling: { temperature: 0.6, topP: 0.95, topK: 40, maxTokens: 24, seed: 0 },
    status: 'running',
    total: 3,
    done: 0,
    etaSeconds: null,
    error: null,
    stats: { tasks: {}, overall: score(0, 0), errors: 0, meanCompletionTokens: null, meanSecondsPerItem: null, tokensPerSecond: null },
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

function row(itemId: string, extra: Partial<EvalResultRow> = {}): EvalResultRow {
  return { itemId, task: 'finqa', questionPreview: 'Q', reference: '1', predicted: '2', correct: false, formatOk: true, judged: false, completionTokens: 10, seconds: 0.5, error: null, ...extra };
}

function evalSet(id: string, createdAt = 1): EvalSetSummary {
  return { id, name: id, format: 'sample', fileName: null, itemCount: 6, tasks: { finqa: 2, cflue: 2, ccc: 2 }, createdAt, warnings: [] };
}

function fakeApi(calls: Partial<Record<string, (input: unknown) => unknown>>) {
  const call = vi.fn(async (method: string, input: unknown) => {
    const handler = calls[method];
    if (!handler) throw new AppError('NOT_FOUND', `no fake for ${method}`);
    return handler(input);
  });
  const api = { call: call as unknown as ApiClient['call'], stream: vi.fn() as unknown as ApiClient['stream'] } as ApiClient;
  return { api, call };
}

const noSave = () => {};

describe('evaluation store: lists', () => {
  it('loads sets and runs newest first, and adds the sample set on top', async () => {
    const { api } = fakeApi({
      'eval.sets': () => [evalSet('a', 1), evalSet('b', 2)],
      'eval.runs': () => [run('r1', { createdAt: 1 }), run('r2', { createdAt: 5 })],
      'eval.addSample': () => evalSet('sample', 9),
    });
    const store = createEvaluationStore({ api, save: noSave });
    await Promise.all([store.getState().refreshSets(), store.getState().refreshRuns()]);
    expect(store.getState().sets.map((s) => s.id)).toEqual(['b', 'a']);
    expect(store.getState().runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    await store.getState().addSample();
    expect(store.getState().sets.map((s) => s.id)).toEqual(['sample', 'b', 'a']);
    expect(store.getState().importing).toBeNull();
  });

  it('keeps an import error for the view, translated by code', async () => {
    const onError = vi.fn();
    const { api } = fakeApi({ 'eval.importSet': () => Promise.reject(new AppError('EVAL_SET_INVALID', 'line 3: no question')) });
    const store = createEvaluationStore({ api, save: noSave, onError });
    expect(await store.getState().importPath('/tmp/bad.jsonl')).toBeNull();
    expect(store.getState().importError?.message).toBe('line 3: no question');
    expect(onError).toHaveBeenCalledOnce();
    store.getState().clearImportError();
    expect(store.getState().importError).toBeNull();
  });

  it('uploads a file first in a browser and imports the uploaded path under the file name', async () => {
    const { api, call } = fakeApi({ 'eval.importSet': (input) => ({ ...evalSet('mine'), name: (input as { name: string }).name }) });
    const upload: UploadFile = vi.fn(async () => ({ ok: true as const, value: { path: '/srv/uploads/x/my-set.jsonl', sizeBytes: 10 } }));
    const store = createEvaluationStore({ api, save: noSave, upload });
    const summary = await store.getState().importFile(new File(['{}'], 'my-set.jsonl'));
    expect(upload).toHaveBeenCalledOnce();
    expect(call).toHaveBeenCalledWith('eval.importSet', { path: '/srv/uploads/x/my-set.jsonl', name: 'my-set' });
    expect(summary?.name).toBe('my-set');
  });

  it('imports a picked file by its path in Electron', async () => {
    const { api, call } = fakeApi({ 'eval.importSet': () => evalSet('p') });
    const store = createEvaluationStore({ api, save: noSave, pathForFile: () => '/home/me/finqa.json' });
    await store.getState().importFile(new File(['{}'], 'finqa.json'));
    expect(call).toHaveBeenCalledWith('eval.importSet', { path: '/home/me/finqa.json' });
  });

  it('previews a set by page and drops the preview when the set is removed', async () => {
    const { api, call } = fakeApi({
      'eval.setItems': (input) => ({ items: [{ id: `i${(input as { offset: number }).offset}`, task: 'ccc', question: 'q', reference: '合规' }], total: 120 }),
      'eval.removeSet': () => ({ removed: true }),
    });
    const store = createEvaluationStore({ api, save: noSave, previewPageSize: 50 });
    store.setState({ sets: [evalSet('s')] });
    await store.getState().previewSet('s', 50);
    expect(call).toHaveBeenCalledWith('eval.setItems', { id: 's', offset: 50, limit: 50 });
    expect(store.getState().preview).toMatchObject({ setId: 's', status: 'ready', total: 120, offset: 50 });
    await store.getState().removeSet('s');
    expect(store.getState().preview).toBeNull();
    expect(store.getState().sets).toEqual([]);
  });
});

describe('evaluation store: runs and progress', () => {
  it('starts a run, then follows its progress events into the list and the open results', async () => {
    const { api } = fakeApi({
      'eval.start': () => run('r1'),
      'eval.run': () => ({ ...run('r1', { updatedAt: 2, done: 1 }), rows: [row('a')] }),
    });
    const store = createEvaluationStore({ api, save: noSave });
    await store.getState().start({ setId: 'set-1', target: { kind: 'local', modelPath: '/m/tiny.gguf' }, limit: 3 });
    expect(store.getState().runs.map((r) => r.id)).toEqual(['r1']);
    await store.getState().openRun('r1');
    expect(store.getState().detail?.data?.rows).toHaveLength(1);

    store.getState().applyProgress({ run: run('r1', { done: 2, updatedAt: 3 }), row: row('b') });
    store.getState().applyProgress({ run: run('r1', { done: 3, updatedAt: 4, status: 'complete' }), row: row('c', { correct: true }) });
    expect(store.getState().runs[0]).toMatchObject({ done: 3, status: 'complete' });
    expect(store.getState().detail?.data).toMatchObject({ done: 3, status: 'complete' });
    expect(store.getState().detail?.data?.rows.map((r) => r.itemId)).toEqual(['a', 'b', 'c']);
  });

  it('does not step progress back when an older summary arrives after a newer one', () => {
    const list = upsertRun([run('r', { done: 2, updatedAt: 10 })], run('r', { done: 1, updatedAt: 5 }));
    expect(list[0]!.done).toBe(2);
    expect(upsertRow([row('a', { correct: false })], row('a', { correct: true }))).toEqual([row('a', { correct: true })]);
  });

  it('pauses and resumes through the service, one action at a time per run, and shows a refused action', async () => {
    let release: (value: EvalRunSummary) => void = () => {};
    const { api, call } = fakeApi({
      'eval.pause': () => new Promise<EvalRunSummary>((resolve) => (release = resolve)),
      'eval.resume': () => Promise.reject(new AppError('EVAL_RUN_ACTIVE', 'already running')),
      'eval.runs': () => [run('r1', { status: 'paused', updatedAt: 3 })],
    });
    const store = createEvaluationStore({ api, save: noSave });
    store.setState({ runs: [run('r1')] });
    const pausing = store.getState().pause('r1');
    expect(store.getState().actions).toEqual({ r1: 'pausing' });
    void store.getState().pause('r1');
    expect(call.mock.calls.filter(([m]) => m === 'eval.pause')).toHaveLength(1);
    release(run('r1', { status: 'paused', updatedAt: 2 }));
    await pausing;
    expect(store.getState().runs[0]!.status).toBe('paused');
    expect(store.getState().actions).toEqual({});

    await store.getState().resume('r1');
    expect(store.getState().actionError).toMatchObject({ runId: 'r1', error: { message: 'already running' } });
  });

  it('removing a run clears it from the list, the comparison and the open results', async () => {
    const { api } = fakeApi({ 'eval.removeRun': () => ({ removed: true }) });
    const store = createEvaluationStore({ api, save: noSave });
    store.setState({ runs: [run('r1'), run('r2')], compareIds: ['r1', 'r2'], detail: { runId: 'r1', status: 'ready', data: { ...run('r1'), rows: [] }, error: null } });
    expect(await store.getState().removeRun('r1')).toBe(true);
    expect(store.getState().runs.map((r) => r.id)).toEqual(['r2']);
    expect(store.getState().compareIds).toEqual(['r2']);
    expect(store.getState().detail).toBeNull();
  });

  it('eval.changed refetches only the lists the view has loaded', async () => {
    const { api, call } = fakeApi({ 'eval.sets': () => [], 'eval.runs': () => [] });
    const store = createEvaluationStore({ api, save: noSave });
    await store.getState().applyChanged();
    expect(call).not.toHaveBeenCalled();
    await store.getState().refreshRuns();
    await store.getState().applyChanged();
    expect(call.mock.calls.map(([m]) => m)).toEqual(['eval.runs', 'eval.runs']);
  });

  it('toggles runs in and out of the comparison in the order picked', () => {
    const { api } = fakeApi({});
    const store = createEvaluationStore({ api, save: noSave });
    store.getState().toggleCompare('b');
    store.getState().toggleCompare('a');
    expect(store.getState().compareIds).toEqual(['b', 'a']);
    store.getState().toggleCompare('b');
    expect(store.getState().compareIds).toEqual(['a']);
  });
});

describe('evaluation store: drill-down and export', () => {
  const detail: EvalResultDetail = {
    ...row('a'),
    question: 'Revenue 1,400, operating profit 210: margin?',
    context: 'Table: revenue 1,400',
    choices: null,
    output: '<think>210/1400 = 0.15</think><answer>\\boxed{15%}</answer>',
    reasoning: '210/1400 = 0.15',
    answer: '\\boxed{15%}',
    judgeOutput: null,
  };
  const check = { steps: [], calculations: [] } as unknown as TraceCheckResult;

  it('fetches the item in full, then checks its reasoning with the question and context', async () => {
    const { api, call } = fakeApi({ 'eval.result': () => detail, 'trace.check': () => check });
    const store = createEvaluationStore({ api, save: noSave });
    await store.getState().openItem('r1', 'a');
    expect(call).toHaveBeenCalledWith('eval.result', { runId: 'r1', itemId: 'a' });
    expect(call).toHaveBeenCalledWith('trace.check', { question: detail.question, reasoning: detail.reasoning, answer: detail.answer, context: detail.context });
    expect(store.getState().inspection).toMatchObject({ status: 'ready', itemId: 'a', check });
  });

  it('a later item wins over a slow earlier one', async () => {
    let slow: (d: EvalResultDetail) => void = () => {};
    const { api } = fakeApi({
      'eval.result': (input) => ((input as { itemId: string }).itemId === 'a' ? new Promise<EvalResultDetail>((r) => (slow = r)) : { ...detail, itemId: 'b' }),
      'trace.check': () => check,
    });
    const store = createEvaluationStore({ api, save: noSave });
    const first = store.getState().openItem('r1', 'a');
    await store.getState().openItem('r1', 'b');
    slow(detail);
    await first;
    expect(store.getState().inspection?.itemId).toBe('b');
  });

  it('exports through the save function with the service file name and type', async () => {
    const save = vi.fn();
    const { api } = fakeApi({ 'eval.export': () => ({ fileName: 'run.csv', mimeType: 'text/csv', content: 'a,b\n' }) });
    const store = createEvaluationStore({ api, save });
    expect(await store.getState().exportRun('r1', 'csv')).toBe(true);
    expect(save).toHaveBeenCalledWith('run.csv', 'a,b\n', 'text/csv');
    expect(store.getState().exporting).toBeNull();
  });
});
