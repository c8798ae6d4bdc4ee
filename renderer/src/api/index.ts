/**
 * The renderer's one way to reach the services: a typed ApiClient over the Electron bridge when the preload is
 * there, otherwise over HTTP/WS to `dianjin serve` (token from the address, see ./token.ts).
 */
import { createApiClient, type ApiClient, type ApiTransport } from '../contract';
import type { HostKind } from '../contract';
import { createBridgeTransport } from './bridgeTransport';
import { createHttpTransport, type ConnectionState, type UploadedFile } from './httpTransport';
import type { Envelope } from '../contract';
import { uploadEach, type UploadFile, type UploadFilesOptions } from './uploads';
import { takeAccessToken } from './token';
import { failed } from './clientErrors';

export type { ConnectionState, UploadedFile } from './httpTransport';

export { uploadEach, type UploadFile, type UploadFilesOptions } from './uploads';

export interface Connection {
  readonly state: ConnectionState;
  onChange(listener: (state: ConnectionState) => void): () => void;
}

interface Wiring {
  host: HostKind;
  transport: ApiTransport;
  /** Browser only: sending a file to the server's upload folder. */
  upload?: UploadFile;
  /** Browser only: true when the page was opened without `?token=` and none is stored for this tab. */
  needsToken: boolean;
  connection: Connection;
}

const alwaysOpen: Connection = { state: 'open', onChange: () => () => {} };

function wire(): Wiring {
  const bridge = window.dianjin;
  if (bridge) return { host: 'electron', transport: createBridgeTransport(bridge), needsToken: false, connection: alwaysOpen };

  const token = takeAccessToken({ location: window.location, history: window.history, storage: window.sessionStorage });
  if (!token) {
    const refuse = () => Promise.resolve(failed({ code: 'UNAUTHORIZED', message: 'No access token.' }));
    return { host: 'browser', transport: { call: refuse, stream: refuse }, needsToken: true, connection: alwaysOpen };
  }
  const transport = createHttpTransport({ origin: window.location.origin, token });
  const connection: Connection = {
    get state() {
      return transport.connection;
    },
    onChange: (listener) => transport.onConnectionChange(listener),
  };
  const upload: UploadFile = (file, options) => transport.upload(file.name, file, options);
  return { host: 'browser', transport, needsToken: false, connection, upload };
}

const wiring = wire();

export const host: HostKind = wiring.host;
export const api: ApiClient = createApiClient(wiring.transport);
export const needsToken: boolean = wiring.needsToken;
export const connection: Connection = wiring.connection;

/** Browser only (the Electron host reads files by path): uploads files for `docs.add`. */
export const uploadFile: UploadFile | undefined = wiring.upload;
export const uploadFiles: ((files: readonly File[], options?: UploadFilesOptions) => Promise<Envelope<UploadedFile>[]>) | undefined = wiring.upload
  ? (files, options) => uploadEach(wiring.upload!, files, options)
  : undefined;

/** Electron only: the native "Open GGUF…" dialog. */
export const pickModelFile: (() => Promise<string | null>) | undefined = window.dianjin
  ? () => window.dianjin!.pickModelFile()
  : undefined;
/** Electron only: the filesystem path of a dropped File. */
export const pathForFile: ((file: File) => string) | undefined = window.dianjin
  ? (file) => window.dianjin!.pathForFile(file)
  : undefined;
/** Electron only: the native "Add reports…" dialog (several files); [] when cancelled. */
export const pickDocumentFiles: (() => Promise<string[]>) | undefined = window.dianjin ? () => window.dianjin!.pickDocumentFiles() : undefined;
