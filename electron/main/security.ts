/**
 * The security rules of the window, as pure functions so they are tested without Electron: which URLs are ours,
 * which may leave for the OS browser, and the Content-Security-Policy every renderer response carries.
 */

/** The renderer is served from `app://renderer/…` (a privileged standard+secure scheme, see rendererProtocol.ts). */
export const rendererScheme = 'app';
export const rendererHost = 'renderer';
export const rendererOrigin = `${rendererScheme}://${rendererHost}`;
export const rendererEntryUrl = `${rendererOrigin}/index.html`;

/**
 * Nothing but our own files: no inline scripts or styles (React sets styles through the CSSOM, which CSP allows),
 * no eval, no remote hosts, no plugins, no framing, no form posts.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every `app://renderer/` response, errors included. */
export const rendererResponseHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length > 8192) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** True for URLs of our renderer (`app://renderer/…`), the only pages allowed to load in our windows. */
export function isRendererUrl(value: unknown): boolean {
  const url = parseUrl(value);
  return url !== null && url.protocol === `${rendererScheme}:` && url.host === rendererHost && url.username === '' && url.password === '';
}

/** Upper bound on a link handed to the OS browser; longer ones are refused rather than truncated. */
const maxExternalUrlLength = 2048;

/**
 * Whether a link may be opened in the user's browser: http(s) only (never file:, javascript:, custom handlers such as
 * ms-msdt: or smb:), a real host name, no embedded credentials, no control characters.
 */
export function isSafeExternalUrl(value: unknown): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxExternalUrlLength) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return false;
  const url = parseUrl(value);
  if (!url) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return url.hostname.length > 0;
}

/**
 * Requests a renderer may make: its own files, inline data, blobs it made, and DevTools' own pages. Everything else
 * (http, https, ws, file, ftp…) is cancelled — the app works offline and shows no remote content.
 */
export function isAllowedRendererRequest(value: string): boolean {
  if (isRendererUrl(value)) return true;
  return value.startsWith('data:') || value.startsWith('blob:app://renderer/') || value.startsWith('devtools://');
}
