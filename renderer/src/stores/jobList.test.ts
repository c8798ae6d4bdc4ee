import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { AppError } from '../contract';
import { toSerialized } from './errors';
import { jobListSlice, type JobCalls, type JobListState } from './jobList';

interface Job {
  id: string;
  status: string;
  step: number;
  createdAt: number;
  updatedAt: number;
}
interface JobDetail extends Job {
  points: number[];
}
interface Progress {
  job: Job;
  point: number | null;
}
interface State extends JobListState<Job, JobDetail, Progress> {
  pane: string | null;
  start(): Promise<Job | null>;
}

const job = (id: string, extra: Partial<Job> = {}): Job => ({ id, status: 'running', step: 0, createdAt: 1, updatedAt: 1, ...extra });

function store(calls: Partial<JobCalls<Job, JobDetail>> = {}) {
  const closed = vi.fn();
  const all: JobCalls<Job, JobDetail> = {
    jobs: async () => [],
    job: async (jobId) => ({ ...job(jobId), points: [] }),
    pause: async (jobId) => job(jobId, { status: 'paused', updatedAt: 2 }),
    resume: async (jobId) => job(jobId, { updatedAt: 2 }),
    cancel: async (jobId) => job(jobId, { status: 'cancelled', updatedAt: 2 }),
    remove: async () => ({ removed: true }),
    ...calls,
  };
  const s = createStore<State>()((set, get) => {
    const { slice, startJob } = jobListSlice(get, set, {
      calls: all,
      fail: (error) => toSerialized(error),
      summaryOf: ({ points: _p, ...summary }) => summary,
      addProgress: (data, { point }) => (point === null ? {} : { points: [...data.points, point] }),
      onDetailClosed(): Pick<State, 'pane'> {
        closed();
        return { pane: null };
      },
      onOtherJobOpened: (): Pick<State, 'pane'> => ({ pane: 'fresh' }),
    });
    return { ...slice, pane: null, start: () => startJob(async () => job('new', { createdAt: 5 })) };
  });
  return { s, closed };
}

describe('jobListSlice', () => {
  it('lists and opens what it started, and adds progress to the open detail only', async () => {
    const { s } = store();
    const started = await s.getState().start();
    expect(started?.id).toBe('new');
    await vi.waitFor(() => expect(s.getState().detail?.status).toBe('ready'));
    expect(s.getState().pane).toBe('fresh');
    s.getState().applyProgress({ job: job('new', { createdAt: 5, step: 1, updatedAt: 3 }), point: 7 });
    expect(s.getState().detail?.data?.points).toEqual([7]);
    expect(s.getState().jobs[0]!.step).toBe(1);
    s.getState().applyProgress({ job: job('other', { updatedAt: 3 }), point: 8 });
    expect(s.getState().jobs.map((j) => j.id)).toEqual(['new', 'other']);
    expect(s.getState().detail?.data?.points).toEqual([7]);
  });

  it('closes the pane, with what goes with it, when the open job is closed, removed or gone', async () => {
    const { s, closed } = store({ jobs: async () => [job('b')] });
    await s.getState().openJob('a');
    s.setState({ pane: 'open' });
    await s.getState().refreshJobs();
    expect(s.getState().detail).toBeNull();
    expect(s.getState().pane).toBeNull();
    await s.getState().openJob('b');
    expect(await s.getState().remove('b')).toBe(true);
    expect(s.getState().detail).toBeNull();
    await s.getState().openJob('b');
    s.getState().closeJob();
    expect(closed).toHaveBeenCalledTimes(3);
  });

  it('keeps an action error and reloads the list', async () => {
    const jobs = vi.fn(async () => [job('a')]);
    const { s } = store({ jobs, pause: () => Promise.reject(new AppError('NOT_FOUND', 'gone')) });
    await s.getState().pause('a');
    expect(s.getState().actionError?.jobId).toBe('a');
    expect(s.getState().actions).toEqual({});
    expect(jobs).toHaveBeenCalled();
  });
});
