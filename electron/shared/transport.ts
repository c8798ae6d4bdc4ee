/**
 * What both transports share: the server side dispatches validated calls to handlers; the client side turns a
 * transport (preload bridge or HTTP/WS) into one typed client. Runtime-neutral.
 */
import type { z } from 'zod';
import {
  api,
  isMethodName,
  type Api,
  type CallMethod,
  type CallName,
  type ChunkOf,
  type HostKind,
  type InputOf,
  type MethodName,
  type OutputOf,
  type ParsedInputOf,
  type StreamMethod,
  type StreamName,
} from './api';
import { AppError, serializeError, type SerializedError } from './errors';

// ── Server side ──────────────────────────────────────────────────────────────────────────────────────────────
export interface RequestContext {
  /** Aborted when the client goes away or cancels the stream. */
  signal: AbortSignal;
  host: HostKind;
}

type HandlerFor<K extends MethodName> =
  Api[K] extends CallMethod<z.ZodType, infer O>
    ? (input: ParsedInputOf<K>, ctx: RequestContext) => Promise<O>
    : Api[K] extends StreamMethod<z.ZodType, infer C, infer O>
      ? (input: ParsedInputOf<K>, ctx: RequestContext) => AsyncGenerator<C, O, void>
      : never;

export type ApiHandlers = { [K in MethodName]: HandlerFor<K> };

/** The result envelope used over IPC and HTTP: errors travel as data so their code survives. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

export function parseInput<K extends MethodName>(method: K, raw: unknown): ParsedInputOf<K> {
  const result = api[method].input.safeParse(raw ?? {});
  if (result.success) return result.data as ParsedInputOf<K>;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw new AppError('INVALID_INPUT', `Invalid input for ${method}${where}: ${issue?.message ?? 'invalid value'}.`, {
    issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

function resolveMethod(method: unknown, kind: 'call' | 'stream'): MethodName {
  if (!isMethodName(method)) throw new AppError('NOT_FOUND', `Unknown API method: ${String(method).slice(0, 100)}.`);
  if (api[method].kind !== kind) throw new AppError('INVALID_INPUT', `${method} is a ${api[method].kind} method, not a ${kind}.`);
  return method;
}

/** Validates and dispatches; the only way transports reach the handlers. */
export class ApiDispatcher {
  constructor(private readonly handlers: ApiHandlers) {}

  async call(method: unknown, rawInput: unknown, ctx: RequestContext): Promise<unknown> {
    const name = resolveMethod(method, 'call');
    const input = parseInput(name, rawInput);
    const handler = this.handlers[name] as (input: unknown, ctx: RequestContext) => Promise<unknown>;
    return handler(input, ctx);
  }

  /** Returns the generator; validation errors are thrown before anything streams. */
  stream(method: unknown, rawInput: unknown, ctx: RequestContext): AsyncGenerator<unknown, unknown, void> {
    const name = resolveMethod(method, 'stream');
    const input = parseInput(name, rawInput);
    const handler = this.handlers[name] as (input: unknown, ctx: RequestContext) => AsyncGenerator<unknown, unknown, void>;
    return handler(input, ctx);
  }

  async callEnveloped(method: unknown, rawInput: unknown, ctx: RequestContext): Promise<Envelope<unknown>> {
    try {
      return { ok: true, value: await this.call(method, rawInput, ctx) };
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  }

  /** Runs a stream to its end, handing chunks to `onChunk`; never throws. */
  async runStream(method: unknown, rawInput: unknown, ctx: RequestContext, onChunk: (chunk: unknown) => void): Promise<Envelope<unknown>> {
    try {
      const iterator = this.stream(method, rawInput, ctx);
      for (;;) {
        const next = await iterator.next();
        if (next.done) return { ok: true, value: next.value };
        onChunk(next.value);
      }
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  }
}

// ── Client side ──────────────────────────────────────────────────────────────────────────────────────────────
/** What a transport must do; both the preload bridge and HTTP/WS implement it. */
export interface ApiTransport {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  stream(method: string, input: unknown, onChunk: (chunk: unknown) => void, signal: AbortSignal): Promise<Envelope<unknown>>;
}

export interface StreamOptions<C> {
  onChunk?: (chunk: C) => void;
  signal?: AbortSignal;
}

export interface ApiClient {
  call<K extends CallName>(method: K, input: InputOf<K>): Promise<OutputOf<K>>;
  stream<K extends StreamName>(method: K, input: InputOf<K>, options?: StreamOptions<ChunkOf<K>>): Promise<OutputOf<K>>;
}

function unwrap<T>(envelope: Envelope<unknown>): T {
  if (envelope.ok) return envelope.value as T;
  throw AppError.fromSerialized(envelope.error);
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    async call(method, input) {
      return unwrap(await transport.call(method, input));
    },
    async stream(method, input, options = {}) {
      const signal = options.signal ?? new AbortController().signal;
      const onChunk = (options.onChunk ?? (() => {})) as (chunk: unknown) => void;
      return unwrap(await transport.stream(method, input, onChunk, signal));
    },
  };
}
