/**
 * Maps an `app://renderer/…` request to a file inside the renderer build folder, and never to anything outside it.
 * Pure (node:path only) so the traversal rules are unit-tested without Electron.
 */
import path from 'node:path';
import { rendererHost, rendererScheme } from './security';

export type RendererFileResolution =
  | { kind: 'file'; filePath: string; mimeType: string }
  /** Not ours, malformed, or trying to leave the renderer folder. */
  | { kind: 'forbidden'; reason: string };

const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** The MIME type for a file name; unknown types are served as opaque bytes (and `nosniff` keeps them that way). */
export function mimeTypeFor(filePath: string): string {
  return mimeTypes[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Longest request path accepted; Vite's hashed asset names are far shorter. */
const maxPathLength = 1024;

/**
 * Resolves `requestUrl` against `rootDir` (absolute). `/` is `index.html`; a path whose last segment has no
 * extension is a client-side route and also gets `index.html`, so a reload on such a route still works.
 */
export function resolveRendererFile(rootDir: string, requestUrl: string): RendererFileResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { kind: 'forbidden', reason: 'malformed URL' };
  }
  if (url.protocol !== `${rendererScheme}:` || url.host !== rendererHost) return { kind: 'forbidden', reason: 'not a renderer URL' };
  if (url.pathname.length > maxPathLength) return { kind: 'forbidden', reason: 'path too long' };

  // The URL parser has already removed `.`/`..` segments (also their %2e forms); decoding can still produce
  // separators (%2f, %5c) or NULs, which are refused rather than interpreted.
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'forbidden', reason: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden', reason: 'illegal character' };

  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment.includes(':'))) {
    return { kind: 'forbidden', reason: 'path traversal' };
  }
  const last = segments.at(-1);
  if (last === undefined || path.posix.extname(last) === '') segments.splice(0, segments.length, 'index.html');

  const root = path.resolve(rootDir);
  const filePath = path.join(root, ...segments);
  if (!isInside(root, filePath)) return { kind: 'forbidden', reason: 'outside the renderer folder' };
  return { kind: 'file', filePath, mimeType: mimeTypeFor(filePath) };
}

/** True when `candidate` (a real path) is `root` (a real path) or inside it. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
