/** The keyboard shortcuts, in one place so handlers and tooltips agree. */

export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Ctrl on Windows/Linux, Cmd on macOS. */
export function hasModifier(event: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey'>): boolean {
  return isMac ? event.metaKey : event.ctrlKey;
}

const mod = isMac ? '⌘' : 'Ctrl';
const shift = isMac ? '⇧' : 'Shift';
const join = (...keys: string[]) => keys.join(isMac ? '' : '+');

/** Ctrl/Cmd+N is taken by browsers (new window), so new chat is Ctrl/Cmd+Shift+O, as in other chat apps. */
export const shortcutLabels = {
  newChat: join(mod, shift, 'O'),
  settings: join(mod, ','),
} as const;

export function isNewChatShortcut(event: KeyboardEvent): boolean {
  return hasModifier(event) && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'o';
}

export function isSettingsShortcut(event: KeyboardEvent): boolean {
  return hasModifier(event) && !event.shiftKey && !event.altKey && event.key === ',';
}
