import type { ConsoleApi } from '../../../shared/contract';
import { httpApi } from './http-api';
import { link } from './link';
import { takeToken, tokenInHash } from './token';

/** The preload's API inside Electron, else the web bridge of the browser host. */
export function resolveApi(): ConsoleApi {
  if (window.paydesk) return window.paydesk;
  const token = takeToken(window);
  // The new URL of a restarted host pasted into this tab: same page, only the #fragment differs, so the
  // browser does not reload by itself. Keep the new token and start over with it.
  window.addEventListener('hashchange', () => {
    if (tokenInHash(window.location.hash) === null) return;
    takeToken(window);
    window.location.reload();
  });
  return httpApi(window.location, { ...(token ? { token } : {}), onLink: link.set });
}
