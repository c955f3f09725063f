/**
 * Builds the renderer once before the node project's tests, so the E2E files (which vitest runs in
 * parallel workers) never race two electron-vite builds into out/renderer. A no-op when fresh.
 */
import { ensureRendererBuilt } from './build';

export default async function setup(): Promise<void> {
  await ensureRendererBuilt();
}
