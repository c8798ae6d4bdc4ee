import { describe, expect, it } from 'vitest';
import { api, methodNames } from './api';
import { AppError } from './errors';
import { ApiDispatcher, createApiClient, parseInput, type ApiHandlers, type ApiTransport } from './transport';

const ctx = { signal: new AbortController().signal, host: 'cli' as const };

describe('API declaration and dispatcher', () => {
  it('declares call and stream methods with schemas', () => {
    expect(methodNames).toContain('chat.send');
    expect(api['chat.send'].kind).toBe('stream');
    expect(api['chat.list'].kind).toBe('call');
  });

  it('rejects invalid input with INVALID_INPUT naming the field', () => {
    expect(() => parseInput('chat.rename', { id: 'a', title: '' })).toThrowError(/title/);
    try {
      parseInput('settings.update', { sampling: { temperature: 9 } });
      expect.unreachable();
    } catch (error) {
      expect(AppError.is(error, 'INVALID_INPUT')).toBe(true);
      expect((error as AppError).message).toMatch(/sampling\.temperature/);
    }
    // Unknown keys are refused, not silently dropped.
    expect(() => parseInput('chat.get', { id: 'a', extra: 1 })).toThrowError(AppError);
  });

  it('dispatches calls and streams, and a client over any transport gets typed results and AppErrors', async () => {
    const handlers = {
      'chat.list': async () => [],
      'chat.get': async ({ id }: { id: string }) => {
        throw new AppError('CONVERSATION_NOT_FOUND', `No conversation ${id}.`);
      },
      'app.events': async function* () {
        yield { type: 'conversations.changed' as const };
      },
    } as unknown as ApiHandlers;
    const dispatcher = new ApiDispatcher(handlers);
    const transport: ApiTransport = {
      call: (method, input) => dispatcher.callEnveloped(method, input, ctx),
      stream: (method, input, onChunk, signal) => dispatcher.runStream(method, input, { ...ctx, signal }, onChunk),
    };
    const client = createApiClient(transport);
    expect(await client.call('chat.list', {})).toEqual([]);
    await expect(client.call('chat.get', { id: 'x' })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    const chunks: unknown[] = [];
    await client.stream('app.events', {}, { onChunk: (c) => chunks.push(c) });
    expect(chunks).toEqual([{ type: 'conversations.changed' }]);
    expect(await dispatcher.callEnveloped('app.events', {}, ctx)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatcher.callEnveloped('no.such', {}, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
