/**
 * Which API methods are calls and which are streams, as the preload needs it. Checked against the API declaration
 * by the compiler (a missing, extra or wrong entry is a type error), so the sandboxed preload can build the bridge
 * without importing the declaration itself, which would bundle zod into every page load.
 */
import type { Api, MethodName } from '../shared/api';

export type MethodKinds = { readonly [K in MethodName]: Api[K]['kind'] };

export const methodKinds: MethodKinds = {
  'app.info': 'call',
  'app.events': 'stream',
  'settings.get': 'call',
  'settings.update': 'call',
  'models.list': 'call',
  'models.inspect': 'call',
  'models.select': 'call',
  'models.catalog': 'call',
  'models.download': 'stream',
  'models.downloads': 'call',
  'models.pauseDownload': 'call',
  'models.cancelDownload': 'call',
  'models.import': 'call',
  'models.remove': 'call',
  'models.setMirror': 'call',
  'inference.status': 'call',
  'chat.list': 'call',
  'chat.get': 'call',
  'chat.create': 'call',
  'chat.rename': 'call',
  'chat.delete': 'call',
  'chat.send': 'stream',
  'chat.stop': 'call',
  'engine.test': 'call',
  'secrets.setEngineKey': 'call',
  'secrets.clearEngineKey': 'call',
  'secrets.engineKeyStatus': 'call',
  'docs.add': 'stream',
  'docs.list': 'call',
  'docs.embed': 'stream',
  'docs.get': 'call',
  'docs.page': 'call',
  'docs.remove': 'call',
  'docs.search': 'call',
  'chat.setDocuments': 'call',
  'trace.check': 'call',
  'trace.checkMessage': 'call',
  'trace.compare': 'call',
  'trace.export': 'call',
};
