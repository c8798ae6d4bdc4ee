import { describe, expect, it } from 'vitest';
import type { GrpoEstimate, GrpoJobDetail, GrpoJobSummary, GrpoStepRecord } from '../contract';
import { fakeApi } from '../testing/fakeApi';
import { createGrpoStore, defaultGrpoConfig, groupsOf, upsertGrpoJob } from './grpo';

function job(id: string, extra: Partial<GrpoJobSummary> = {}): GrpoJobSummary {
  return {
    id,
    kind: 'grpo',
    name: `grpo ${id}`,
    status: 'running',
    modelPath: '/m/tiny.gguf',
    modelName: 'tiny',
    initAdapter: null,
    outPath: `/a/${id}.gguf`,
    dataPath: '/d/grpo.jsonl',
    items: 3,
    config: defaultGrpoConfig,
    threads: 0,
    step: 0,
    totalSteps: 3,
    checkpointStep: null,
    last: null,
    etaSeconds: null,
    elapsedSeconds: 0,
    error: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

function detail(id: string, extra: Partial<GrpoJobDetail> = {}): GrpoJobDetail {
  return { ...job(id), series: [], recentGroups: [], warnings: [], ...extra };
}

function stepRecord(step: number, rewards: number[]): GrpoStepRecord {
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  return {
    step,
    totalSteps: 3,
    rewardMean: mean,
    rewardStd: 0.5,
    formatReward: 0.5,
    accuracyReward: 0.25,
    length: 8,
    loss: 0.1,
    rolloutTokensPerSecond: 100,
    trainTokensPerSecond: 50,
    seconds: 1,
    peakMemoryBytes: null,
    groups: [
      {
        itemId: 'q1',
        question: 'What is 12% of 250?',
        reference: '30',
        samples: rewards.map((reward, i) => ({ text: `<think>\n0.12 × 250 = 30</think><answer>\\boxed{${30 + i}}</answer>`, reward, format: 1, accuracy: reward, custom: [], advantage: reward - mean, tokens: 8 })),
      },
    ],
  };
}

describe('GRPO store', () => {
  it('starts with DianJin-R1’s settings', () => {
    expect(defaultGrpoConfig).toMatchObject({ group: 8, temperature: 0.6, topP: 0.95, beta: 0.001, reward: { format: 1, accuracy: 1, custom: [] } });
  });

  it('starts a job with the model, the SFT adapter, the data and the settings; the adapter is dropped with another model', async () => {
    const { api } = fakeApi({ 'grpo.start': () => job('j1'), 'grpo.job': () => detail('j1'), 'train.adapters': () => [{ path: '/a/sft.gguf', baseModelPath: '/m/tiny.gguf', jobId: 's', name: 'sft', createdAt: 1 }] });
    const store = createGrpoStore({ api, pathForFile: () => '/d/grpo.jsonl' });
    await store.getState().refreshAdapters();
    store.getState().setModel('/m/tiny.gguf');
    store.getState().setInitAdapter('/a/sft.gguf');
    await store.getState().chooseFile(new File(['{}'], 'grpo.jsonl'));
    store.getState().setConfig({ group: 4, steps: 3 });
    store.getState().addCustomReward('keywords');
    const started = await store.getState().start();
    expect(started?.id).toBe('j1');
    expect(api.call).toHaveBeenCalledWith('grpo.start', {
      modelPath: '/m/tiny.gguf',
      initAdapter: '/a/sft.gguf',
      data: '/d/grpo.jsonl',
      config: { ...defaultGrpoConfig, group: 4, steps: 3, reward: { format: 1, accuracy: 1, custom: [{ kind: 'keywords', include: [], exclude: [], weight: 1 }] } },
    });
    expect(store.getState().jobs.map((j) => j.id)).toEqual(['j1']);
    store.getState().setModel('/m/other.gguf');
    expect(store.getState().initAdapter).toBe('');
  });

  it('adds each step to the open job’s series and groups; a stopped job is read again', async () => {
    const { api } = fakeApi({ 'grpo.job': () => detail('j1') });
    const store = createGrpoStore({ api });
    await store.getState().openJob('j1');
    store.getState().applyProgress({ job: job('j1', { step: 1, updatedAt: 2 }), step: stepRecord(1, [0, 1, 1, 0]) });
    store.getState().applyProgress({ job: job('j1', { step: 2, updatedAt: 3 }), step: stepRecord(2, [1, 1, 1, 0]) });
    const data = store.getState().detail!.data!;
    expect(data.series.map((p) => p.rewardMean)).toEqual([0.5, 0.75]);
    expect('groups' in data.series[0]!).toBe(false);
    expect(groupsOf(data, null)?.step).toBe(2);
    expect(groupsOf(data, 1)?.step).toBe(1);
    store.getState().applyProgress({ job: job('j1', { status: 'complete', step: 3, updatedAt: 4 }), step: null });
    await Promise.resolve();
    expect(api.call).toHaveBeenLastCalledWith('grpo.job', { jobId: 'j1' });
    // An older summary does not step progress back.
    expect(upsertGrpoJob([job('j1', { step: 2, updatedAt: 3 })], job('j1', { step: 1, updatedAt: 2 }))[0]!.step).toBe(2);
  });

  it('opens a sample in the inspector: reasoning and answer split as the app does, checked by trace.check', async () => {
    const { api } = fakeApi({ 'grpo.job': () => detail('j1', { recentGroups: [{ step: 1, groups: stepRecord(1, [0, 1]).groups }] }), 'trace.check': () => ({ steps: [] }) });
    const store = createGrpoStore({ api });
    await store.getState().openJob('j1');
    await store.getState().openSample(1, 0, 1);
    expect(api.call).toHaveBeenLastCalledWith('trace.check', { question: 'What is 12% of 250?', reasoning: '0.12 × 250 = 30', answer: '\\boxed{31}' });
    expect(store.getState().inspection).toMatchObject({ status: 'ready', step: 1, sampleIndex: 1, sample: { reward: 1 }, answer: '\\boxed{31}' });
    store.getState().closeSample();
    expect(store.getState().inspection).toBeNull();
  });

  it('asks the estimate with the model, the starting adapter, the data and the settings; the last figures stay while the next load', async () => {
    let fits = true;
    const estimate = () => ({ fits, memory: { totalBytes: fits ? 1 : 2 } }) as unknown as GrpoEstimate;
    const { api } = fakeApi({ 'grpo.estimate': estimate });
    const store = createGrpoStore({ api, pathForFile: () => '/d/grpo.jsonl' });
    await store.getState().refreshEstimate();
    expect(api.call).not.toHaveBeenCalled();
    store.getState().setModel('/m/tiny.gguf');
    await store.getState().refreshEstimate();
    expect(api.call).toHaveBeenLastCalledWith('grpo.estimate', { modelPath: '/m/tiny.gguf', config: defaultGrpoConfig });
    expect(store.getState().estimate).toMatchObject({ status: 'ready', data: { fits: true } });

    store.getState().setInitAdapter('/a/sft.gguf');
    await store.getState().chooseFile(new File(['{}'], 'grpo.jsonl'));
    store.getState().setConfig({ contextLength: 65536 });
    fits = false;
    const pending = store.getState().refreshEstimate();
    expect(store.getState().estimate).toMatchObject({ status: 'loading', data: { fits: true } });
    await pending;
    expect(api.call).toHaveBeenLastCalledWith('grpo.estimate', { modelPath: '/m/tiny.gguf', initAdapter: '/a/sft.gguf', data: '/d/grpo.jsonl', config: { ...defaultGrpoConfig, contextLength: 65536 } });
    expect(store.getState().estimate?.data?.fits).toBe(false);
  });

  it('exports for verl with the job’s data and keeps the refusal', async () => {
    let fail = false;
    const { api } = fakeApi({
      'train.export': () => {
        if (fail) throw new Error('folder not empty');
        return { format: 'verl', out: '/out', files: ['train.parquet'], items: 3, validationItems: 0, errors: [], warnings: [] };
      },
    });
    const store = createGrpoStore({ api });
    await store.getState().exportJob({ format: 'verl', dataPath: '/d/grpo.jsonl', outDir: '/out' });
    expect(api.call).toHaveBeenCalledWith('train.export', { format: 'verl', dataPath: '/d/grpo.jsonl', outDir: '/out', force: false });
    expect(store.getState().exported).toMatchObject({ status: 'ready', result: { items: 3 } });
    fail = true;
    await store.getState().exportJob({ format: 'verl', dataPath: '/d/grpo.jsonl', outDir: '/out' });
    expect(store.getState().exported?.status).toBe('error');
  });
});
