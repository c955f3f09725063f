import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/db';

const require = createRequire(import.meta.url);
const nodeBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');

describe('openDatabase honours PAYDESK_SQLITE_BINDING (the Electron-ABI build)', () => {
  afterEach(() => {
    delete process.env['PAYDESK_SQLITE_BINDING'];
  });

  it('loads the addon named by the variable', () => {
    process.env['PAYDESK_SQLITE_BINDING'] = nodeBuild;
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    db.close();
  });

  it('fails loudly when the variable points at nothing', () => {
    process.env['PAYDESK_SQLITE_BINDING'] = '/nonexistent/better_sqlite3.node';
    expect(() => openDatabase(':memory:')).toThrow();
  });
});
