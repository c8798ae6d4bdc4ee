/**
 * Lock-down that applies to every window and every web contents the app ever creates (Electron's security
 * checklist): no permissions, no remote requests, no navigation away from the renderer, no new windows, no
 * <webview>. Links the user opens go to the OS browser after validation.
 */
import { app, shell, type Session, type WebContents } from 'electron';
import { isAllowedRendererRequest, isRendererUrl, isSafeExternalUrl, rendererOrigin } from './security';

/**
 * The one permission granted: writing to the clipboard from our own page (the "Copy answer" button;
 * navigator.clipboard.writeText needs it). Reading the clipboard, camera, notifications… are all refused.
 */
function isGrantedPermission(permission: string, requestingUrl: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && requestingUrl !== undefined && isRendererUrl(requestingUrl);
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(isGrantedPermission(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isGrantedPermission(permission, requestingOrigin === rendererOrigin ? `${rendererOrigin}/` : undefined),
  );
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));

  // No remote content: a renderer request for anything but our files is cancelled. Requests made by the main
  // process itself (no webContents) are left alone.
  session.webRequest.onBeforeRequest((details, callback) => {
    const fromPage = details.webContentsId !== undefined;
    const cancel = fromPage && !isAllowedRendererRequest(details.url);
    if (cancel) console.warn(`[security] blocked a ${details.resourceType} request to ${details.url.slice(0, 200)}`);
    callback({ cancel });
  });
}

/** Opens an http(s) link in the user's browser; anything else is dropped. */
export function openExternalLink(url: string): void {
  if (!isSafeExternalUrl(url)) {
    console.warn(`[security] refused to open ${url.slice(0, 200)}`);
    return;
  }
  shell.openExternal(url).catch((error: unknown) => console.warn('[security] could not open a link:', error));
}

function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    // target=_blank links are how the renderer shows sources and docs: they open in the OS browser, never here.
    openExternalLink(url);
    return { action: 'deny' };
  });
  const blockUnlessRenderer = (details: { url: string; preventDefault(): void }): void => {
    if (isRendererUrl(details.url)) return;
    details.preventDefault();
    console.warn(`[security] blocked navigation to ${details.url.slice(0, 200)}`);
  };
  contents.on('will-navigate', blockUnlessRenderer);
  // Subframes (the main frame is covered by will-navigate); the CSP already forbids framing anything remote.
  contents.on('will-frame-navigate', (details) => {
    if (!details.isMainFrame) blockUnlessRenderer(details);
  });
  contents.on('will-redirect', blockUnlessRenderer);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Call once, before any window is created. */
export function hardenApp(): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}
