import { vi } from 'vitest';
import { AppError, type ApiClient } from '../contract';

/** One `api.stream` call the test drives: its input, chunks to emit, and how it ends. */
export interface StreamControl<Input, Chunk, Result> {
  input: Input;
  emit(chunk: Chunk): void;
  resolve(result: Result): void;
  reject(error: unknown): void;
  signal: AbortSignal;
}

/**
 * An API whose calls answer from `calls` by method (NOT_FOUND for any other) and whose streams wait in `streams`
 * until the test ends them.
 */
export function fakeApi<Input, Chunk, Result>(calls: Partial<Record<string, (input: unknown) => unknown>> = {}) {
  const streams: StreamControl<Input, Chunk, Result>[] = [];
  const api: ApiClient = {
    call: vi.fn(async (method: string, input: unknown) => {
      const handler = calls[method];
      if (!handler) throw new AppError('NOT_FOUND', `no fake for ${method}`);
      return handler(input);
    }) as unknown as ApiClient['call'],
    stream: ((_method: string, input: Input, options: { onChunk?: (c: Chunk) => void; signal?: AbortSignal } = {}) =>
      new Promise<Result>((resolve, reject) => {
        streams.push({ input, emit: (c) => options.onChunk?.(c), resolve, reject, signal: options.signal! });
      })) as unknown as ApiClient['stream'],
  };
  return { api, streams };
}
