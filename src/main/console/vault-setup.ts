/**
 * The console's key vault at start-up: open it for the host (Electron safeStorage or the browser host's
 * encrypted file), and move plaintext key files of earlier versions into it. An unusable vault is not
 * fatal: it is reported (bilingual) and real providers stay disabled.
 */
import { join } from 'node:path';
import type { ConsoleConfig } from '../console-host';
import { createKeyService, type KeyService } from '../keys/key-service';
import { migratePlaintextKeyFiles, openHostVault } from '../keys/host-glue';
import type { Logger } from '../kernel';
import type { Vault } from '../vault/types';
import { keyPaths } from './settings';

export interface ConsoleVault {
  vault: Vault | null;
  keys: KeyService | null;
  /** Why the vault cannot be used (bilingual), else null. */
  vaultProblem: string | null;
  /** Plaintext key files of an earlier version that could not be moved into the vault (bilingual). */
  migrationProblems: string[];
}

export function openConsoleVault(config: ConsoleConfig, logger: Logger): ConsoleVault {
  const { dataDir } = config;
  const vaultOptions = config.vault ?? { kind: 'file' as const };
  const migrationProblems: string[] = [];
  try {
    const vault =
      vaultOptions.kind === 'safeStorage'
        ? openHostVault({ kind: 'safeStorage', safeStorage: vaultOptions.safeStorage, dataDir })
        : openHostVault({ kind: 'file', dataDir, ...(vaultOptions.env ? { env: vaultOptions.env } : {}) });
    const keys = createKeyService({ vault, logger });
    const migration = migratePlaintextKeyFiles({ keys, files: keyPaths(dataDir), logger });
    if (migration.migrated.length > 0) logger.info('plaintext key files moved into the vault', { migrated: migration.migrated });
    for (const problem of migration.problems) {
      logger.warn('plaintext key file left in place', { problem });
      const [zh, ...rest] = problem.split(' / ');
      const where = join(dataDir, 'keys');
      migrationProblems.push(
        `旧版密钥文件（${where}）未能导入密钥库：${zh}；请在「设置」中重新导入 / ` +
          `An old plaintext key file (${where}) could not be moved into the vault: ${rest.join(' / ') || zh}; import the key again in Settings`,
      );
    }
    return { vault, keys, vaultProblem: null, migrationProblems };
  } catch (err) {
    const vaultProblem = err instanceof Error ? err.message : String(err);
    logger.error('key vault unusable', { error: vaultProblem });
    return { vault: null, keys: null, vaultProblem, migrationProblems };
  }
}
