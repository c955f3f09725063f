import type { Migration } from './types';

/**
 * Which provider a stored notification came to (`/notify/<provider>`). Every row written before this
 * migration arrived on the one notify path PayDesk then had, Alipay's, so they get 'alipay'. Orders
 * have carried their provider since migration 0005 (default 'alipay' for the rows before it).
 */
export const migration0007: Migration = {
  version: 7,
  name: 'notification_provider',
  up(db) {
    db.exec(`
      ALTER TABLE notifications ADD COLUMN provider TEXT NOT NULL DEFAULT 'alipay' CHECK (length(provider) BETWEEN 1 AND 32);
    `);
  },
};
