import type { ConsoleApi } from '../../../shared/contract';
import { httpApi } from './http-api';

/** The preload's API inside Electron, else the web bridge of the browser host. */
export function resolveApi(): ConsoleApi {
  return window.paydesk ?? httpApi(window.location);
}
