import { serializeError, type SerializedError } from '../contract';

/** Anything a client call threw, as the serialisable error the UI translates by code. */
export function toSerialized(error: unknown): SerializedError {
  return serializeError(error);
}
