/**
 * The access token for `dianjin serve`: it arrives once in the address (`?token=…`), is kept in sessionStorage for
 * reloads of this tab, and is removed from the address bar so it is not bookmarked, shared or left in history.
 */
export const tokenStorageKey = 'dianjin.token';

export interface TokenEnvironment {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

export function takeAccessToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) {
    try {
      env.storage.setItem(tokenStorageKey, fromQuery);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    url.searchParams.delete('token');
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash);
    return fromQuery;
  }
  try {
    return env.storage.getItem(tokenStorageKey) || null;
  } catch {
    return null;
  }
}
