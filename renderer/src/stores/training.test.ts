import { describe, expect, it, vi } from 'vitest';
import { AppError, defaultSftConfig, type ApiClient, type ConversationRecord, type TrainEstimate, type TrainJobDetail, type TrainJobSummary, type TrainPreview } from '../contract';
import type { UploadFile } from '../api/uploads';
import { answersOf, appendByStep, createTrainingStore, toDataSource, upsertJob } from './training';

function job(id: string, extra: Partial<TrainJobSummary> = {}): TrainJobSummary {
  return {
    id,
    name: `job ${id}`,
    kind: 'sft',
    status: 'running',
    modelPath: '/m/tiny.gguf',
    modelName: 'tiny',
    outPath: `/a/${id}.gguf`,
    config: defaultSftConfig,
    items: 4,
    validationItems: 0,
    tokens: 400,
    step: 0,
    totalSteps: 8,
    firstLoss: null,
    lastLoss: null,
    lastValidationLoss: null,
    tokensPerSecond: null,
    peakMemoryBytes: null,
    etaSeconds: null,
    elapsedSeconds: 0,
    checkpointStep: null,
    backend: 'CPU',
    error: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

function detail(id: string, extra: Partial<TrainJobDetail> = {}): TrainJobDetail {
  return { ...job(id), loss: [], validation: [], checkpoints: [], samples: [], warnings: [], checkpointDir: '/c', ...extra };
}

const point = (step: number, loss: number) => ({ step, epoch: 0, loss, tokens: 100, tokensPerSecond: 50, peakMemoryBytes: 1e8, lr: 1e-4, elapsedSeconds: step });

function preview(extra: Partial<TrainPreview> = {}): TrainPreview {
  return { modelPath: '/m/tiny.gguf', contextLength: 2048, promptStyle: 'dianjin', items: 3, usable: 3, tooLong: 0, tokens: 300, responseTokens: 200, maxTokens: 120, errors: [], warnings: [], preview: [], ...extra };
}

function estimate(fits: boolean): TrainEstimate {
  return {
    modelPath: '/m/tiny.gguf',
    config: defaultSftConfig,
    trainableParams: 1000,
    memory: { modelBytes: 1, loraBytes: 1, activationBytes: 1, attentionBytes: 1, otherBytes: 1, totalBytes: 5 },
    availableBytes: fits ? 10 : 2,
    fits,
    tokensPerEpoch: 300,
    totalTokens: 600,
    tokensPerSecond: 100,
    speedSource: 'assumed',
    seconds: 6,
    advice: fits ? [] : ['Lower the context length to 512 tokens (longer examples are left out).'],
    summary: '',
  };
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

describe('training store: the set and its preview', () => {
  it('turns the draft into the API source; a conversation with nothing picked is no source', () => {
    expect(toDataSource(null)).toBeNull();
    expect(toDataSource({ kind: 'file', path: '/d/a.jsonl', fileName: 'a.jsonl' })).toEqual({ kind: 'file', path: '/d/a.jsonl' });
    expect(toDataSource({ kind: 'evalRun', runId: 'r1', onlyCorrect: false })).toEqual({ kind: 'evalRun', runId: 'r1', onlyCorrect: false });
    expect(toDataSource({ kind: 'messages', conversationId: 'c', picks: [] })).toBeNull();
    expect(
      toDataSource({
        kind: 'messages',
        conversationId: 'c',
        picks: [
          { messageId: 'm1', question: 'q', answer: 'a', corrected: '' },
          { messageId: 'm2', question: 'q', answer: 'a', corrected: ' 42 ' },
        ],
      }),
    ).toEqual({ kind: 'messages', items: [{ messageId: 'm1' }, { messageId: 'm2', answer: '42' }] });
  });

  it('prepares the chosen file with the model, context and prompt style; a new context makes the preview stale', async () => {
    const { api, call } = fakeApi({ 'train.prepare': () => preview() });
    const store = createTrainingStore({ api, pathForFile: () => '/d/set.jsonl' });
    store.getState().setModel('/m/tiny.gguf');
    await store.getState().chooseFile(new File(['{}'], 'set.jsonl'));
    expect(store.getState().source).toEqual({ kind: 'file', path: '/d/set.jsonl', fileName: 'set.jsonl' });
    await store.getState().prepare();
    expect(call).toHaveBeenCalledWith('train.prepare', { modelPath: '/m/tiny.gguf', data: { kind: 'file', path: '/d/set.jsonl' }, contextLength: 512, promptStyle: 'dianjin', previewItems: 50 });
    expect(store.getState().preview?.data?.usable).toBe(3);
    store.getState().setConfig({ rank: 16 });
    expect(store.getState().preview?.status).toBe('ready');
    store.getState().setConfig({ contextLength: 1024 });
    expect(store.getState().preview).toBeNull();
  });

  it('uploads the file first in a browser, and keeps a refused file’s error with its line-numbered details', async () => {
    const upload: UploadFile = vi.fn(async () => ({ ok: true as const, value: { path: '/uploads/x.jsonl', sizeBytes: 2 } }));
    const refusal = new AppError('TRAIN_DATA_INVALID', 'bad.jsonl has no usable example (line 1: not JSON).', { errors: ['line 1: not JSON', 'line 2: empty answer ("answer" is missing or empty)'] });
    const { api } = fakeApi({
      'train.prepare': () => {
        throw refusal;
      },
    });
    const store = createTrainingStore({ api, upload });
    store.getState().setModel('/m/tiny.gguf');
    await store.getState().chooseFile(new File(['x'], 'bad.jsonl'));
    expect(upload).toHaveBeenCalled();
    expect(store.getState().source).toMatchObject({ kind: 'file', path: '/uploads/x.jsonl', fileName: 'bad.jsonl' });
    await store.getState().prepare();
    const state = store.getState().preview!;
    expect(state.status).toBe('error');
    expect(state.error).toMatchObject({ code: 'TRAIN_DATA_INVALID', details: { errors: ['line 1: not JSON', 'line 2: empty answer ("answer" is missing or empty)'] } });
  });

  it('drops a preview that answers after the set changed', async () => {
    let answer!: (p: TrainPreview) => void;
    const { api } = fakeApi({ 'train.prepare': () => new Promise<TrainPreview>((resolve) => (answer = resolve)) });
    const store = createTrainingStore({ api, pathForFile: (f) => `/d/${f.name}` });
    store.getState().setModel('/m/tiny.gguf');
    await store.getState().chooseFile(new File([''], 'a.jsonl'));
    const pending = store.getState().prepare();
    await store.getState().chooseFile(new File([''], 'b.jsonl'));
    answer(preview());
    await pending;
    expect(store.getState().preview).toBeNull();
  });

  it('lists a conversation’s finished answers with their questions, and picks them in order with corrections', async () => {
    const conversation = {
      id: 'c1',
      title: 'Q',
      messages: [
        { id: 'u1', role: 'user', content: 'first?', answer: '', status: 'complete' },
        { id: 'a1', role: 'assistant', content: '', answer: '1', status: 'complete' },
        { id: 'u2', role: 'user', content: 'second?', answer: '', status: 'complete' },
        { id: 'a2', role: 'assistant', content: '', answer: '2', status: 'complete' },
        { id: 'a3', role: 'assistant', content: '', answer: '', status: 'error' },
      ],
    } as unknown as ConversationRecord;
    expect(answersOf(conversation)).toEqual([
      { messageId: 'a1', question: 'first?', answer: '1' },
      { messageId: 'a2', question: 'second?', answer: '2' },
    ]);
    const { api } = fakeApi({ 'chat.get': () => conversation });
    const store = createTrainingStore({ api });
    await store.getState().openConversation('c1');
    store.getState().togglePick('a2');
    store.getState().togglePick('a1');
    store.getState().correctPick('a2', 'two');
    expect(toDataSource(store.getState().source)).toEqual({ kind: 'messages', items: [{ messageId: 'a1' }, { messageId: 'a2', answer: 'two' }] });
    store.getState().togglePick('a1');
    expect(toDataSource(store.getState().source)).toEqual({ kind: 'messages', items: [{ messageId: 'a2', answer: 'two' }] });
  });
});

describe('training store: estimate and start', () => {
  it('asks the estimate with the preview’s tokens, and keeps the last figures while the next load', async () => {
    let fits = true;
    const { api, call } = fakeApi({ 'train.prepare': () => preview({ tokens: 321 }), 'train.estimate': () => estimate(fits) });
    const store = createTrainingStore({ api });
    store.getState().setModel('/m/tiny.gguf');
    store.getState().choosePath('/d/a.jsonl');
    await store.getState().prepare();
    await store.getState().refreshEstimate();
    expect(call).toHaveBeenLastCalledWith('train.estimate', { modelPath: '/m/tiny.gguf', config: defaultSftConfig, tokens: 321 });
    expect(store.getState().estimate?.data?.fits).toBe(true);
    fits = false;
    store.getState().setConfig({ contextLength: 100_000 });
    const pending = store.getState().refreshEstimate();
    expect(store.getState().estimate).toMatchObject({ status: 'loading', data: { fits: true } });
    await pending;
    expect(store.getState().estimate?.data?.fits).toBe(false);
    // The stale preview is gone, so its tokens are not sent with the new context.
    expect(call).toHaveBeenLastCalledWith('train.estimate', { modelPath: '/m/tiny.gguf', config: { ...defaultSftConfig, contextLength: 100_000 } });
  });

  it('starts a job with the settings and a name, lists it and opens it; a refusal stays as the start error', async () => {
    const started = job('j1', { status: 'queued' });
    let refuse = false;
    const { api, call } = fakeApi({
      'train.start': () => {
        if (refuse) throw new AppError('TRAIN_WONT_FIT', 'needs 90 GiB');
        return started;
      },
      'train.job': () => detail('j1', { status: 'queued' }),
    });
    const store = createTrainingStore({ api });
    expect(await store.getState().start()).toBeNull();
    store.getState().setModel('/m/tiny.gguf');
    store.getState().choosePath('/d/a.jsonl');
    store.getState().setName('  my job ');
    store.getState().setConfig({ epochs: 3, steps: 4 });
    expect(await store.getState().start()).toEqual(started);
    expect(call).toHaveBeenCalledWith('train.start', { modelPath: '/m/tiny.gguf', data: { kind: 'file', path: '/d/a.jsonl' }, config: { ...defaultSftConfig, epochs: 3, steps: 4 }, name: 'my job' });
    expect(store.getState().jobs.map((j) => j.id)).toEqual(['j1']);
    await vi.waitFor(() => expect(store.getState().detail?.status).toBe('ready'));
    refuse = true;
    expect(await store.getState().start()).toBeNull();
    expect(store.getState().startError).toMatchObject({ code: 'TRAIN_WONT_FIT' });
  });

  it('tracks fields whose text is not a valid value', () => {
    const { api } = fakeApi({});
    const store = createTrainingStore({ api });
    store.getState().setFieldInvalid('rank', true);
    store.getState().setFieldInvalid('rank', true);
    store.getState().setFieldInvalid('lr', true);
    expect(store.getState().invalidFields).toEqual(['rank', 'lr']);
    store.getState().setFieldInvalid('rank', false);
    expect(store.getState().invalidFields).toEqual(['lr']);
  });
});

describe('training store: jobs and progress', () => {
  it('appends points by step; a resumed job’s repeated steps replace the tail', () => {
    expect(appendByStep([point(1, 3), point(2, 2.5)], point(3, 2)).map((p) => p.step)).toEqual([1, 2, 3]);
    expect(appendByStep([point(1, 3), point(2, 2.5), point(3, 2)], point(2, 2.4)).map((p) => [p.step, p.loss])).toEqual([
      [1, 3],
      [2, 2.4],
    ]);
  });

  it('keeps the newer summary when an older event arrives late', () => {
    const jobs = [job('a', { updatedAt: 5, step: 4 })];
    expect(upsertJob(jobs, job('a', { updatedAt: 3, step: 2 }))).toBe(jobs);
    expect(upsertJob(jobs, job('a', { updatedAt: 6, step: 5 }))[0]!.step).toBe(5);
    expect(upsertJob(jobs, job('b', { createdAt: 9 })).map((j) => j.id)).toEqual(['b', 'a']);
  });

  it('applies progress to the list and to the open job’s series, and rereads the job once it stops', async () => {
    let reads = 0;
    const { api } = fakeApi({
      'train.jobs': () => [job('j1')],
      'train.job': () => {
        reads++;
        return reads === 1 ? detail('j1') : detail('j1', { status: 'complete', step: 2, loss: [point(1, 3), point(2, 2)], checkpoints: [{ step: 2, adapterPath: '/c/2.gguf', createdAt: 2 }] });
      },
    });
    const store = createTrainingStore({ api });
    await store.getState().refreshJobs();
    await store.getState().openJob('j1');
    store.getState().applyProgress({ job: job('j1', { step: 1, updatedAt: 2, lastLoss: 3 }), point: point(1, 3), validation: null, sample: null });
    store.getState().applyProgress({ job: job('j1', { step: 2, updatedAt: 3 }), point: point(2, 2), validation: { step: 2, loss: 2.2 }, sample: { step: 2, question: 'q', reference: 'r', output: 'o' } });
    const data = store.getState().detail!.data!;
    expect(data.loss.map((p) => p.step)).toEqual([1, 2]);
    expect(data.validation).toEqual([{ step: 2, loss: 2.2 }]);
    expect(data.samples).toHaveLength(1);
    expect(store.getState().jobs[0]!.step).toBe(2);
    store.getState().applyProgress({ job: job('j1', { status: 'complete', step: 2, updatedAt: 4 }), point: null, validation: null, sample: null });
    await vi.waitFor(() => expect(store.getState().detail?.data?.checkpoints).toHaveLength(1));
    expect(reads).toBe(2);
  });

  it('pauses, resumes, cancels and removes through the API; a refusal is kept per job', async () => {
    const { api, call } = fakeApi({
      'train.jobs': () => [job('j1')],
      'train.job': () => detail('j1'),
      'train.pause': () => job('j1', { status: 'paused', updatedAt: 2 }),
      'train.resume': () => {
        throw new AppError('TRAINER_UNAVAILABLE', 'not built');
      },
      'train.cancel': () => job('j1', { status: 'cancelled', updatedAt: 3 }),
      'train.remove': () => ({ removed: true }),
    });
    const store = createTrainingStore({ api });
    await store.getState().refreshJobs();
    await store.getState().openJob('j1');
    await store.getState().pause('j1');
    expect(store.getState().jobs[0]!.status).toBe('paused');
    await store.getState().resume('j1');
    expect(store.getState().actionError).toMatchObject({ jobId: 'j1', error: { code: 'TRAINER_UNAVAILABLE' } });
    await store.getState().cancel('j1');
    expect(store.getState().jobs[0]!.status).toBe('cancelled');
    expect(await store.getState().remove('j1')).toBe(true);
    expect(store.getState().jobs).toEqual([]);
    expect(store.getState().detail).toBeNull();
    expect(call).toHaveBeenCalledWith('train.remove', { jobId: 'j1' });
  });

  it('refetches the jobs on train.changed only once the view loaded them', async () => {
    const { api, call } = fakeApi({ 'train.jobs': () => [job('j1')] });
    const store = createTrainingStore({ api });
    await store.getState().applyChanged();
    expect(call).not.toHaveBeenCalled();
    await store.getState().refreshJobs();
    await store.getState().applyChanged();
    expect(call).toHaveBeenCalledTimes(2);
  });
});
