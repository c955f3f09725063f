/**
 * The browser host remembers its port in the data dir (`web-host.json`, mode 0600) and takes it again at
 * the next start when it is free, so an open tab finds the restarted host at the same origin. Only the
 * port: the token is new at every start. A token kept across restarts would be sent by the open tab to
 * whatever listens on that port while PayDesk is down (the tab keeps retrying), and a tab reloaded then
 * would hand its sessionStorage to that server's page; a token that dies with its process is worthless
 * to such a squatter. The file is a hint: a missing or unreadable one means "any free port".
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const LAST_PORT_FILE = 'web-host.json';

const fileSchema = z.object({ port: z.number().int().min(1).max(65535) });

export type LastPort = { port: number } | { port: null; problem: string | null };

/** The remembered port, or null with the reason when the file exists but cannot be used. */
export async function readLastPort(dataDir: string): Promise<LastPort> {
  const file = join(dataDir, LAST_PORT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { port: null, problem: null };
    return {
      port: null,
      problem: `无法读取 ${file}（${(err as Error).message}），改用任一空闲端口 / Cannot read ${file} (${(err as Error).message}); using any free port`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    return { port: null, problem: `${file} 内容无效，已忽略，改用任一空闲端口 / ${file} is not valid; ignored, using any free port` };
  }
  return { port: parsed.data.port };
}

/** Remember `port` (atomically: temp file + rename). */
export async function saveLastPort(dataDir: string, port: number): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LAST_PORT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ port })}\n`, { mode: 0o600 });
  await rename(tmp, file);
}
