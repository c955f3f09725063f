/**
 * Builds the renderer for the E2E test when out/renderer/index.html is missing or older than any
 * renderer/shared source (or the build config). electron-vite builds all three bundles in ~2 s.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../console/serve-process';

export const RENDERER_DIR = join(REPO, 'out', 'renderer');

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

export async function rendererIsStale(): Promise<boolean> {
  let built: number;
  try {
    built = (await stat(join(RENDERER_DIR, 'index.html'))).mtimeMs;
  } catch {
    return true;
  }
  const sources = [join(REPO, 'src', 'renderer'), join(REPO, 'src', 'shared'), join(REPO, 'electron.vite.config.ts')];
  for (const source of sources) if ((await newestMtime(source)) > built) return true;
  return false;
}

export async function ensureRendererBuilt(): Promise<void> {
  if (!(await rendererIsStale())) return;
  const bin = join(REPO, 'node_modules', '.bin', 'electron-vite');
  try {
    await promisify(execFile)(bin, ['build'], { cwd: REPO, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const detail = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`electron-vite build failed: ${detail.message}\n${detail.stdout ?? ''}\n${detail.stderr ?? ''}`, { cause: err });
  }
}
