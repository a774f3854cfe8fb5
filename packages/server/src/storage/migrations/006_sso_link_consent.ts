import type { Migration } from './Migration.js';

/**
 * `users.sso_link_allowed`: single sign-on may take over an existing password account with the
 * same email only after an admin allowed it for that account (1); it is cleared once linked.
 */
export const ssoLinkConsent: Migration = {
  version: 6,
  name: 'sso_link_consent',
  async up(db) {
    await db.schema
      .alterTable('users')
      .addColumn('sso_link_allowed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
