export type { ChatEngine, RemoteEngineTarget } from './ChatEngine';
export { RemoteEngine, normalizeBaseUrl, remoteBackend, type RemoteEngineOptions, type RemoteModel } from './RemoteEngine';
export { EngineKeys, type EngineKeyStatus } from './EngineKeys';
export { EngineError, EngineUnauthorizedError, EngineUnreachableError } from './errors';
