import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannels, type StreamEventMessage } from '../shared/bridge';
import { ApiDispatcher, type ApiHandlers, type RequestContext } from '../shared/transport';
import { fake, FakeFrame, FakeWebContents, resetFakeElectron, type FakeIpcEvent } from './testing/fakeElectron';

vi.mock('electron', async () => (await import('./testing/fakeElectron')).fakeElectronModule);
const { bindIpc } = await import('./ipc');

/** Handlers for the methods these tests use; the signal each call and stream received is recorded. */
function makeDispatcher() {
  const signals: { method: string; signal: AbortSignal }[] = [];
  const handlers = {
    'app.info': async (_input: unknown, ctx: RequestContext) => {
      signals.push({ method: 'app.info', signal: ctx.signal });
      return { host: ctx.host };
    },
    'chat.get': async ({ id }: { id: string }) => ({ id, messages: [] }),
    'app.events': async function* (_input: unknown, ctx: RequestContext) {
      signals.push({ method: 'app.events', signal: ctx.signal });
      yield { type: 'conversations.changed' };
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
    },
    'chat.send': async function* (input: { question: string }, ctx: RequestContext) {
      signals.push({ method: 'chat.send', signal: ctx.signal });
      yield { type: 'delta', reasoning: '', answer: input.question, completionTokens: 1 };
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return { status: 'stopped' };
    },
  };
  return { dispatcher: new ApiDispatcher(handlers as unknown as ApiHandlers), signals };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function streamMessages(contents: FakeWebContents): StreamEventMessage[] {
  return contents.sent.filter((m) => m.channel === ipcChannels.streamEvent).map((m) => m.args[0] as StreamEventMessage);
}

describe('bindIpc', () => {
  let contents: FakeWebContents;
  let unbind: () => void;
  let signals: { method: string; signal: AbortSignal }[];
  const trusted = (): FakeIpcEvent => ({ sender: contents, senderFrame: contents.mainFrame });

  beforeEach(() => {
    resetFakeElectron();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    contents = new FakeWebContents();
    const made = makeDispatcher();
    signals = made.signals;
    unbind = bindIpc({ dispatcher: made.dispatcher, isAppWebContents: (c) => c === (contents as unknown) });
  });
  afterEach(() => {
    unbind();
    vi.restoreAllMocks();
  });

  it('registers one handler per call method plus the file picker', () => {
    expect([...fake.ipcMain.handlers.keys()]).toEqual(
      expect.arrayContaining([ipcChannels.call('app.info'), ipcChannels.call('chat.stop'), ipcChannels.pickModelFile]),
    );
    expect(fake.ipcMain.handlers.has(ipcChannels.call('chat.send'))).toBe(false);
  });

  it('answers calls from our page with envelopes, validating input', async () => {
    expect(await fake.ipcMain.invoke(trusted(), ipcChannels.call('app.info'), {})).toEqual({ ok: true, value: { host: 'electron' } });
    expect(await fake.ipcMain.invoke(trusted(), ipcChannels.call('chat.get'), { id: 7 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('rejects messages from anything but our main frame on app://renderer/', async () => {
    const subframe = new FakeFrame('app://renderer/index.html', 1, 2);
    subframe.parent = contents.mainFrame;
    const other = new FakeWebContents();
    const rejected: FakeIpcEvent[] = [
      { sender: contents, senderFrame: null },
      { sender: contents, senderFrame: subframe },
      { sender: contents, senderFrame: new FakeFrame('app://renderer/index.html', 2, 1) },
      { sender: other, senderFrame: other.mainFrame },
    ];
    contents.mainFrame.url = 'https://evil.example/';
    rejected.push({ sender: contents, senderFrame: contents.mainFrame });
    for (const event of rejected) {
      expect(await fake.ipcMain.invoke(event, ipcChannels.call('app.info'), {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      fake.ipcMain.sendFrom(event, ipcChannels.streamStart, { streamId: 's1', method: 'app.events', input: {} });
      await expect(fake.ipcMain.invoke(event, ipcChannels.pickModelFile)).rejects.toThrow(/did not come from/);
    }
    await tick();
    expect(signals).toEqual([]);
    expect(contents.sent).toEqual([]);
  });

  it('streams chunks then the end to the sender, and stops on cancel', async () => {
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'p-1', method: 'chat.send', input: { question: 'Q' } });
    await tick();
    expect(streamMessages(contents)).toEqual([{ streamId: 'p-1', chunk: { type: 'delta', reasoning: '', answer: 'Q', completionTokens: 1 } }]);
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamCancel, { streamId: 'p-1' });
    await tick();
    expect(signals[0]?.signal.aborted).toBe(true);
    expect(streamMessages(contents).at(-1)).toEqual({ streamId: 'p-1', end: { ok: true, value: { status: 'stopped' } } });
  });

  it('ends a stream with an error for unknown methods, calls and invalid input', async () => {
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'a', method: 'nope', input: {} });
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'b', method: 'app.info', input: {} });
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'c', method: 'chat.send', input: { question: 5 } });
    await tick();
    const ends = Object.fromEntries(streamMessages(contents).map((m) => [m.streamId, 'end' in m ? m.end : null]));
    expect(ends).toMatchObject({
      a: { ok: false, error: { code: 'NOT_FOUND' } },
      b: { ok: false, error: { code: 'NOT_FOUND' } },
      c: { ok: false, error: { code: 'INVALID_INPUT' } },
    });
  });

  it('ignores bad stream ids and a second stream with an id in use', async () => {
    for (const streamId of [undefined, 42, '', 'x'.repeat(101), 'has space', '../x']) {
      fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId, method: 'app.events', input: {} });
    }
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, null);
    await tick();
    expect(signals).toEqual([]);
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'dup', method: 'app.events', input: {} });
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'dup', method: 'app.events', input: {} });
    await tick();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.signal.aborted).toBe(false);
  });

  it('cancels everything of a page when it navigates, and sends that page nothing more', async () => {
    await fake.ipcMain.invoke(trusted(), ipcChannels.call('app.info'), {});
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'ev', method: 'app.events', input: {} });
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'gen', method: 'chat.send', input: { question: 'Q' } });
    await tick();
    const before = contents.sent.length;
    contents.navigate();
    await tick();
    expect(signals.map((s) => s.signal.aborted)).toEqual([true, true, true]);
    expect(contents.sent.length).toBe(before);
    // The new page gets a fresh scope.
    expect(await fake.ipcMain.invoke(trusted(), ipcChannels.call('app.info'), {})).toMatchObject({ ok: true });
    expect(signals.at(-1)?.signal.aborted).toBe(false);
    expect(contents.listenerCount('did-navigate')).toBe(1);
  });

  it('cancels streams when the window closes, without sending to it', async () => {
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'gen', method: 'chat.send', input: { question: 'Q' } });
    await tick();
    contents.destroy();
    await tick();
    expect(signals[0]?.signal.aborted).toBe(true);
  });

  it('limits open streams per page', async () => {
    for (let i = 0; i < 33; i++) {
      fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: `s${i}`, method: 'app.events', input: {} });
    }
    await tick();
    expect(signals).toHaveLength(32);
    expect(streamMessages(contents).find((m) => m.streamId === 's32')).toMatchObject({ end: { ok: false, error: { code: 'INVALID_INPUT' } } });
  });

  it('returns the picked model file or null', async () => {
    expect(await fake.ipcMain.invoke(trusted(), ipcChannels.pickModelFile)).toBeNull();
    fake.openDialogResult = { canceled: false, filePaths: ['/models/a.gguf'] };
    expect(await fake.ipcMain.invoke(trusted(), ipcChannels.pickModelFile)).toBe('/models/a.gguf');
  });

  it('unbinds everything and aborts what is running', async () => {
    fake.ipcMain.sendFrom(trusted(), ipcChannels.streamStart, { streamId: 'ev', method: 'app.events', input: {} });
    await tick();
    unbind();
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.ipcMain.listenerCount(ipcChannels.streamStart)).toBe(0);
    expect(signals[0]?.signal.aborted).toBe(true);
    unbind = () => {};
  });
});
