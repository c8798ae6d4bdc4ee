/**
 * Transport over the Electron preload bridge (`window.dianjin`). The preload already returns envelopes; this only
 * adapts its stream handle to an AbortSignal.
 */
import type { DianjinBridge } from '../contract';
import type { ApiTransport, Envelope } from '../contract';
import { isMethodName } from '../contract';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    dianjin?: DianjinBridge;
  }
}

function unknownMethod(method: string): Envelope<never> {
  return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown API method: ${method}.` } };
}

export function createBridgeTransport(bridge: DianjinBridge): ApiTransport {
  return {
    async call(method, input) {
      if (!isMethodName(method)) return unknownMethod(method);
      const fn = bridge.api[method] as (input: unknown) => Promise<Envelope<unknown>>;
      return fn(input);
    },
    stream(method, input, onChunk, signal) {
      if (!isMethodName(method)) return Promise.resolve(unknownMethod(method));
      const fn = bridge.api[method] as (input: unknown, onChunk: (chunk: unknown) => void) => {
        result: Promise<Envelope<unknown>>;
        cancel(): void;
      };
      const handle = fn(input, onChunk);
      // Cancelling asks the main process to stop; the result still arrives (e.g. the "stopped" message record).
      const cancel = () => handle.cancel();
      if (signal.aborted) cancel();
      else signal.addEventListener('abort', cancel, { once: true });
      return handle.result.finally(() => signal.removeEventListener('abort', cancel));
    },
  };
}
