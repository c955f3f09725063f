/**
 * The browser host's token on the page. It arrives in the URL fragment (`/#token=…`: a fragment is never
 * sent to any server, nor in a Referer), is moved into this tab's sessionStorage (scoped to this origin,
 * scheme + host + port, unlike cookies; it survives a reload, not the tab) and removed from the address
 * bar and the history entry. httpApi sends it as an Authorization header.
 */
const KEY = 'paydesk.token';
let memory: string | undefined;

/** The token in a `#token=…` fragment, or null. */
export function tokenInHash(hash: string): string | null {
  const m = /^#token=([A-Za-z0-9_-]{16,128})$/.exec(hash);
  return m ? m[1]! : null;
}

type Win = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

/** Take the token from the fragment (if any) into sessionStorage; return the one to use. */
export function takeToken(win: Win): string | undefined {
  const fromHash = tokenInHash(win.location.hash);
  // also a malformed one: no token stays in the address bar (nor in this history entry)
  if (win.location.hash.startsWith('#token=')) win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}`);
  if (fromHash !== null) {
    memory = fromHash;
    try {
      win.sessionStorage.setItem(KEY, fromHash);
    } catch {
      // storage disabled or full: the token lives in memory (a reload then needs the URL again)
      return fromHash;
    }
  }
  try {
    return win.sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return memory;
  }
}
