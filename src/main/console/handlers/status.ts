/** status.get: the provider, the notify path and the warnings the cashier must see. */
import type { Runtime } from '../runtime';
import type { Handlers } from './types';

export function statusHandlers(rt: Runtime): Handlers<'status.get'> {
  return {
    'status.get': async () => rt.status(),
  };
}
