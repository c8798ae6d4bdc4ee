/**
 * Serves the renderer build from `app://renderer/` instead of file://: a standard, secure origin of its own, so
 * `'self'` in the CSP means exactly our files, fetch/ES modules work, and no page can read the rest of the disk.
 */
import fs from 'node:fs';
import { protocol, type Session } from 'electron';
import { isInside, resolveRendererFile } from './rendererFiles';
import { rendererResponseHeaders, rendererScheme } from './security';

/** Must run before the app's `ready` event. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: rendererScheme,
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

function textResponse(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...rendererResponseHeaders, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  });
}

/**
 * Answers `app://renderer/…` from files under `rootDir` (the Vite build, `dist/renderer`). Registers on `session`'s
 * protocol (the default session unless given); call after `ready`.
 */
export function serveRenderer(rootDir: string, session?: Session): void {
  // Taken from `fs.promises` here rather than imported by name: Electron patches these for asar archives (where the
  // build lives once packaged), and a named ESM import of node:fs/promises might bind the unpatched functions.
  const { readFile, realpath } = fs.promises;
  // Resolved lazily: the folder may not exist yet when the app starts from an incomplete build.
  let realRoot: Promise<string> | null = null;
  const getRealRoot = (): Promise<string> => {
    realRoot ??= realpath(rootDir).catch((error: unknown) => {
      realRoot = null;
      throw error;
    });
    return realRoot;
  };

  const handle = async (request: Request): Promise<Response> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    const resolved = resolveRendererFile(rootDir, request.url);
    if (resolved.kind === 'forbidden') return textResponse(403, 'Forbidden.');
    try {
      // A symlink inside the build must not lead outside it either.
      const [root, file] = await Promise.all([getRealRoot(), realpath(resolved.filePath)]);
      if (!isInside(root, file)) return textResponse(403, 'Forbidden.');
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: {
          ...rendererResponseHeaders,
          'Content-Type': resolved.mimeType,
          'Content-Length': String(body.byteLength),
          'Cache-Control': 'no-cache',
        },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
        const hint = resolved.filePath.endsWith('index.html') ? ' The renderer has not been built: run `npm run build`.' : '';
        return textResponse(404, `Not found.${hint}`);
      }
      console.error('[renderer protocol] could not read', resolved.filePath, error);
      return textResponse(500, 'Could not read the file.');
    }
  };

  (session?.protocol ?? protocol).handle(rendererScheme, handle);
}
