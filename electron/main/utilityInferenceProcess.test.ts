import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, resetFakeElectron } from './testing/fakeElectron';

vi.mock('electron', async () => (await import('./testing/fakeElectron')).fakeElectronModule);
const { spawnUtilityInferenceProcess } = await import('./utilityInferenceProcess');

describe('spawnUtilityInferenceProcess', () => {
  beforeEach(() => {
    resetFakeElectron();
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('forks the worker as a named utility process with the extra environment', () => {
    spawnUtilityInferenceProcess('/app/dist/electron/inferenceWorker.js', { DIANJIN_TEST: '1' });
    const child = fake.utilityProcesses[0]!;
    expect(child.modulePath).toBe('/app/dist/electron/inferenceWorker.js');
    expect(child.options).toMatchObject({ serviceName: 'DianJin inference', stdio: 'inherit', env: expect.objectContaining({ DIANJIN_TEST: '1' }) });
  });

  it('passes messages both ways and reports the exit once', () => {
    const handle = spawnUtilityInferenceProcess('/w.js', {});
    const child = fake.utilityProcesses[0]!;
    const received: unknown[] = [];
    const exits: unknown[] = [];
    handle.onMessage((message) => received.push(message));
    handle.onExit((code, signal) => exits.push([code, signal]));
    child.spawned(4242);
    expect(handle.pid).toBe(4242);
    handle.send({ type: 'load', path: '/m.gguf' });
    child.emit('message', { type: 'ready', pid: 4242 });
    expect(child.posted).toEqual([{ type: 'load', path: '/m.gguf' }]);
    expect(received).toEqual([{ type: 'ready', pid: 4242 }]);
    child.exited(134);
    child.exited(134);
    expect(exits).toEqual([[134, null]]);
    expect(handle.pid).toBeUndefined();
    handle.send({ type: 'after-exit' });
    expect(child.posted).toHaveLength(1);
    const late: unknown[] = [];
    handle.onExit((code) => late.push(code));
    expect(late).toEqual([null]);
  });

  it('kill() asks nicely, then forces SIGKILL if the worker hangs', () => {
    vi.useFakeTimers();
    const killSpy = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const handle = spawnUtilityInferenceProcess('/w.js', {});
    const child = fake.utilityProcesses[0]!;
    child.spawned(999_999);
    handle.kill();
    expect(child.killed).toBe(1);
    vi.advanceTimersByTime(3_000);
    expect(killSpy).toHaveBeenCalledWith(999_999, 'SIGKILL');
  });

  it('kill() does not force anything once the worker has exited', () => {
    vi.useFakeTimers();
    const killSpy = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const handle = spawnUtilityInferenceProcess('/w.js', {});
    const child = fake.utilityProcesses[0]!;
    child.spawned(1234);
    handle.kill();
    child.exited(0);
    vi.advanceTimersByTime(5_000);
    expect(killSpy).not.toHaveBeenCalled();
  });

  it('a fork that throws is reported as an exit', async () => {
    fake.forkError = new Error('utilityProcess cannot be created before app is ready');
    const handle = spawnUtilityInferenceProcess('/w.js', {});
    const exited = new Promise((resolve) => handle.onExit((code, signal) => resolve([code, signal])));
    expect(await exited).toEqual([null, null]);
    expect(handle.pid).toBeUndefined();
  });
});
