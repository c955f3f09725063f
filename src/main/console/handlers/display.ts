/**
 * display.get / display.open: the customer display's state (kept by customer-display.ts), and 打开客显,
 * which only a host can do (Electron opens a window, the web bridge answers a URL with the display token):
 * reaching the console means the host did not take it.
 */
import type { CustomerDisplay } from '../customer-display';
import { ConsoleError } from '../errors';
import type { Handlers } from './types';

export const DISPLAY_OPEN_UNAVAILABLE = '此运行方式无法打开客显窗口 / This way of running PayDesk cannot open the customer display window';

export function displayHandlers(display: CustomerDisplay): Handlers<'display.get' | 'display.open'> {
  return {
    'display.get': async () => display.state(),
    'display.open': async () => {
      throw new ConsoleError('DISPLAY_UNAVAILABLE', DISPLAY_OPEN_UNAVAILABLE);
    },
  };
}
