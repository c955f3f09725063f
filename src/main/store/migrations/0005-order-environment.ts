import type { Migration } from './types';

/**
 * Which environment and app an order belongs to. Polling, sweeps, cancels and refunds of an order only
 * ever talk to the environment (`demo` = the embedded emulator, `sandbox`, `production`) and the app id
 * it was created with; an order of another environment or app is shown read-only.
 *
 * Rows written before this migration get `environment = 'unknown'` and `app_id = ''`: the database
 * cannot know which gateway they were sent to (a data dir could be switched between demo and
 * production). The console adopts them into the environment its saved settings name the first time it
 * runs in exactly that environment (README "Demo, sandbox and production data"); until then they are
 * foreign and never touched. `provider` is 'alipay' for every existing row.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'order_environment',
  up(db) {
    db.exec(`
      ALTER TABLE orders ADD COLUMN environment TEXT NOT NULL DEFAULT 'unknown'
        CHECK (environment IN ('demo', 'sandbox', 'production', 'unknown'));
      ALTER TABLE orders ADD COLUMN app_id TEXT NOT NULL DEFAULT '' CHECK (length(app_id) <= 64);
      ALTER TABLE orders ADD COLUMN provider TEXT NOT NULL DEFAULT 'alipay' CHECK (length(provider) BETWEEN 1 AND 32);
      CREATE INDEX orders_environment_status ON orders (environment, app_id, status, created_at);
    `);
  },
};
