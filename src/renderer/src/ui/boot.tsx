import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from '../api';
import { ConsoleApp } from './console-app';

/** Mount the console in `root` with the preload's API (Electron) or the browser host's web bridge. */
export function mountConsole(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <ConsoleApp api={resolveApi()} />
    </StrictMode>,
  );
}
