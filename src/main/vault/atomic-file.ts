/** Small file helpers for the vault: 0600 files written atomically (temp file + fsync + rename). */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VaultError } from './types';

/** Owner-only: the vault and its key file are readable by this OS user only. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Create `dir` (0700 when we create it). */
export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/**
 * Write `data` to `file` atomically: a crash leaves either the old or the new file, never half of one
 * (a half-written vault would lose every key at once). The temp file is created 0600, so the secret is
 * never briefly world-readable.
 */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const dir = path.dirname(file);
  ensureDir(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', FILE_MODE);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    // rename keeps the temp file's mode; chmod anyway in case the file pre-existed with looser bits on
    // a filesystem that honours them.
    fs.chmodSync(file, FILE_MODE);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new VaultError('VAULT_IO', `无法写入密钥库文件 / Cannot write the vault file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Read a file as UTF-8, or null when it does not exist. */
export function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new VaultError('VAULT_IO', `无法读取密钥库文件 / Cannot read the vault file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
