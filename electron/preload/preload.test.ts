/**
 * The preload and the main-process IPC binding together, over the fake Electron in electron/main/testing: what the
 * page gets on `window.dianjin` and what happens when it uses it.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { methodNames } from '../shared/api';
import type { DianjinBridge } from '../shared/bridge';
import { ApiDispatcher, type ApiHandlers, type RequestContext } from '../shared/transport';
import { attachPreload, fake, FakeWebContents, resetFakeElectron } from '../main/testing/fakeElectron';

vi.mock('electron', async () => (await import('../main/testing/fakeElectron')).fakeElectronModule);
const { bindIpc } = await import('../main/ipc');

const handlers = {
  'app.info': async (_input: unknown, ctx: RequestContext) => ({ host: ctx.host }),
  'chat.send': async function* (input: { question: string }, ctx: RequestContext) {
    for (const word of input.question.split(' ')) {
      if (ctx.signal.aborted) return { status: 'stopped' };
      yield { type: 'delta', reasoning: '', answer: word, completionTokens: 1 };
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return { status: 'complete' };
  },
};

describe('preload bridge', () => {
  let bridge: DianjinBridge;
  let contents: FakeWebContents;

  beforeAll(async () => {
    resetFakeElectron();
    contents = new FakeWebContents();
    bindIpc({ dispatcher: new ApiDispatcher(handlers as unknown as ApiHandlers), isAppWebContents: (c) => c === (contents as unknown) });
    attachPreload(contents);
    await import('./preload');
    bridge = fake.exposed.get('dianjin') as DianjinBridge;
  });

  it('exposes one function per API method and nothing else of Electron', () => {
    expect([...fake.exposed.keys()]).toEqual(['dianjin']);
    expect(bridge.host).toBe('electron');
    expect(Object.keys(bridge.api).sort()).toEqual([...methodNames].sort());
    for (const fn of Object.values(bridge.api)) expect(typeof fn).toBe('function');
    expect(Object.keys(bridge).sort()).toEqual(['api', 'host', 'pathForFile', 'pickDocumentFiles', 'pickModelFile']);
  });

  it('calls return envelopes', async () => {
    expect(await bridge.api['app.info']({})).toEqual({ ok: true, value: { host: 'electron' } });
    expect(await bridge.api['chat.get']({ id: '' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('a call whose input cannot be cloned resolves to an error instead of throwing', async () => {
    expect(await bridge.api['app.info']({ f: () => 1 })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('streams deliver chunks to their own callback, and the result', async () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const a = bridge.api['chat.send']({ question: 'one two three' }, (chunk) => first.push((chunk as { answer: string }).answer));
    const b = bridge.api['chat.send']({ question: 'four five' }, (chunk) => second.push((chunk as { answer: string }).answer));
    expect(await a.result).toEqual({ ok: true, value: { status: 'complete' } });
    expect(await b.result).toEqual({ ok: true, value: { status: 'complete' } });
    expect(first).toEqual(['one', 'two', 'three']);
    expect(second).toEqual(['four', 'five']);
  });

  it('cancel stops the stream and still resolves its result', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    const seen: unknown[] = [];
    const stream = bridge.api['chat.send']({ question: words }, (chunk) => {
      seen.push(chunk);
      if (seen.length === 2) stream.cancel();
    });
    expect(await stream.result).toEqual({ ok: true, value: { status: 'stopped' } });
    expect(seen.length).toBeLessThan(200);
  });

  it('a throwing chunk callback does not break delivery', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const stream = bridge.api['chat.send']({ question: 'a b' }, () => {
      throw new Error('page bug');
    });
    expect(await stream.result).toMatchObject({ ok: true });
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('stream input that cannot be cloned resolves to INVALID_INPUT', async () => {
    const stream = bridge.api['chat.send']({ question: Symbol('x') }, () => {});
    expect(await stream.result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('pickModelFile and pathForFile', async () => {
    fake.openDialogResult = { canceled: false, filePaths: ['/m/x.gguf'] };
    expect(await bridge.pickModelFile()).toBe('/m/x.gguf');
    fake.openDialogResult = { canceled: true, filePaths: [] };
    expect(await bridge.pickModelFile()).toBeNull();
    expect(bridge.pathForFile({ path: '/tmp/a.gguf' } as unknown as File)).toBe('/tmp/a.gguf');
  });
});
