import type { ConsoleApi } from '../../shared/contract';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in the browser host, which uses httpApi(). */
    paydesk?: ConsoleApi;
  }
}

export {};
