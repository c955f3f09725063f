/**
 * How the browser host's page is connected, for the banner: `up`, `down` (the service cannot be
 * reached: stopped, or restarted on another port) or `unauthorized` (it refused the token: restarted
 * with a new one, or the page was opened without one). `unauthorized` is final for this page: the token
 * never becomes valid again, and a new one arrives only with a new URL (which reloads the page).
 * Inside Electron nothing sets it and it stays `up`.
 */
export type LinkState = 'up' | 'down' | 'unauthorized';

/** Plain functions (no `this`), so they can be handed around unbound (useSyncExternalStore, onLink). */
export interface LinkStore {
  get: () => LinkState;
  set: (next: LinkState) => void;
  subscribe: (listener: () => void) => () => void;
}

export function createLinkStore(): LinkStore {
  let state: LinkState = 'up';
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next) {
      if (next === state || state === 'unauthorized') return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The page's one store (the browser host's httpApi reports to it). */
export const link = createLinkStore();
