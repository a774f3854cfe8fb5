import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../Database.js';
import { affected } from '../rows.js';
import type { OptOutsTable } from './consentTables.js';
import type { OptOutRecord, OptOutRepository, OptOutSubject } from './OptOutRepository.js';

/** The scope of an instance-wide opt-out. */
export const EVERY_SITE = '*';

function keyOf(subject: OptOutSubject): { subject_kind: string; subject: string } {
  return subject.kind === 'visitor'
    ? { subject_kind: 'visitor', subject: subject.visitorId }
    : { subject_kind: 'user', subject: subject.userHash };
}

function fromRow(row: Selectable<OptOutsTable>): OptOutRecord {
  return {
    scope: row.scope,
    subject:
      row.subject_kind === 'visitor'
        ? { kind: 'visitor', visitorId: row.subject }
        : { kind: 'user', userHash: row.subject },
    source: row.source,
    createdAt: Number(row.created_at),
  };
}

export function createOptOutRepository(db: Kysely<Database>): OptOutRepository {
  return {
    async add(entry) {
      const result = await db
        .insertInto('opt_outs')
        .values({
          scope: entry.scope,
          ...keyOf(entry.subject),
          source: entry.source,
          created_at: entry.createdAt,
        })
        .onConflict((oc) => oc.columns(['scope', 'subject_kind', 'subject']).doNothing())
        .executeTakeFirst();
      return affected(result.numInsertedOrUpdatedRows) === 1;
    },

    async isOptedOut(siteId, subject) {
      const userHashes = subject.userHashes ?? [];
      if (subject.visitorId === undefined && userHashes.length === 0) return false;
      const row = await db
        .selectFrom('opt_outs')
        .select('scope')
        .where('scope', 'in', [siteId, EVERY_SITE])
        .where((eb) =>
          eb.or([
            ...(subject.visitorId === undefined
              ? []
              : [eb.and([eb('subject_kind', '=', 'visitor'), eb('subject', '=', subject.visitorId)])]),
            ...(userHashes.length === 0
              ? []
              : [eb.and([eb('subject_kind', '=', 'user'), eb('subject', 'in', [...userHashes])])]),
          ]),
        )
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async list(siteId, limit) {
      const rows = await db
        .selectFrom('opt_outs')
        .selectAll()
        .where('scope', 'in', [siteId, EVERY_SITE])
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map(fromRow);
    },

    async forSubject(siteId, subject) {
      if (subject.visitorIds.length === 0 && subject.userHashes.length === 0) return [];
      const rows = await db
        .selectFrom('opt_outs')
        .selectAll()
        .where('scope', 'in', [siteId, EVERY_SITE])
        .where((eb) =>
          eb.or([
            ...(subject.visitorIds.length === 0
              ? []
              : [eb.and([eb('subject_kind', '=', 'visitor'), eb('subject', 'in', [...subject.visitorIds])])]),
            ...(subject.userHashes.length === 0
              ? []
              : [eb.and([eb('subject_kind', '=', 'user'), eb('subject', 'in', [...subject.userHashes])])]),
          ]),
        )
        .orderBy('created_at', 'asc')
        .execute();
      return rows.map(fromRow);
    },

    async remove(scope, subject) {
      const key = keyOf(subject);
      const result = await db
        .deleteFrom('opt_outs')
        .where('scope', '=', scope)
        .where('subject_kind', '=', key.subject_kind)
        .where('subject', '=', key.subject)
        .executeTakeFirst();
      return affected(result.numDeletedRows) === 1;
    },
  };
}
