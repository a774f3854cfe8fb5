import { randomUUID } from 'node:crypto';
import { DEFAULT_PRIVACY_POLICY, type PrivacyPolicy, privacyPolicySchema } from '@veil/core';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import { SiteLookupCache } from './SiteLookupCache.js';
import type { SiteRecord, SiteRepository } from './SiteRepository.js';
import type { SitesTable } from './siteTables.js';

/**
 * A stored policy, completed with today's defaults for fields added since it was written.
 * A policy that no longer validates throws: privacy code fails closed.
 */
export function policyFromJson(json: string): PrivacyPolicy {
  const stored: unknown = JSON.parse(json);
  const base = typeof stored === 'object' && stored !== null ? stored : {};
  return privacyPolicySchema.parse({ ...DEFAULT_PRIVACY_POLICY, ...base });
}

export function createSiteRepository(db: Kysely<Database>): SiteRepository {
  async function hydrate(rows: Selectable<SitesTable>[]): Promise<SiteRecord[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [origins, policies] = await Promise.all([
      db.selectFrom('site_origins').select(['site_id', 'origin']).where('site_id', 'in', ids).execute(),
      db.selectFrom('site_policies').select(['site_id', 'policy_json']).where('site_id', 'in', ids).execute(),
    ]);
    return rows.map((row) => {
      const policy = policies.find((p) => p.site_id === row.id);
      if (!policy) throw new Error(`site ${row.site_key} has no policy`);
      return {
        id: row.id,
        siteKey: row.site_key,
        name: row.name,
        origins: origins
          .filter((o) => o.site_id === row.id)
          .map((o) => o.origin)
          .sort(),
        policy: policyFromJson(policy.policy_json),
        createdAt: Number(row.created_at),
        demo: Number(row.demo) === 1,
      };
    });
  }

  async function findByKey(siteKey: string): Promise<SiteRecord | undefined> {
    const row = await db.selectFrom('sites').selectAll().where('site_key', '=', siteKey).executeTakeFirst();
    return row ? (await hydrate([row]))[0] : undefined;
  }
  const cache = new SiteLookupCache(findByKey);

  return {
    async create(site) {
      const id = randomUUID();
      const origins = [...new Set(site.origins)].sort();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('sites')
          .values({ id, site_key: site.siteKey, name: site.name, created_at: site.createdAt })
          .execute();
        if (origins.length > 0) {
          await trx
            .insertInto('site_origins')
            .values(origins.map((origin) => ({ site_id: id, origin })))
            .execute();
        }
        await trx
          .insertInto('site_policies')
          .values({ site_id: id, policy_json: JSON.stringify(site.policy), updated_at: site.createdAt })
          .execute();
      });
      return {
        id,
        siteKey: site.siteKey,
        name: site.name,
        origins,
        policy: site.policy,
        createdAt: site.createdAt,
        demo: false,
      };
    },
    async list() {
      const rows = await db
        .selectFrom('sites')
        .selectAll()
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return hydrate(rows);
    },
    findByKey,
    findByKeyCached: (siteKey) => cache.findByKey(siteKey),
    forgetCached: () => cache.invalidate(),
    async findById(id) {
      const row = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? (await hydrate([row]))[0] : undefined;
    },
    async replaceOrigins(siteId, origins) {
      const unique = [...new Set(origins)];
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('site_origins').where('site_id', '=', siteId).execute();
        if (unique.length > 0) {
          await trx
            .insertInto('site_origins')
            .values(unique.map((origin) => ({ site_id: siteId, origin })))
            .execute();
        }
      });
      cache.invalidate();
    },
    async markDemo(siteId) {
      await db.updateTable('sites').set({ demo: 1 }).where('id', '=', siteId).where('demo', '=', 0).execute();
      cache.invalidate();
    },
    async isKnownOrigin(origin) {
      const row = await db
        .selectFrom('site_origins')
        .select('site_id')
        .where('origin', '=', origin)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
