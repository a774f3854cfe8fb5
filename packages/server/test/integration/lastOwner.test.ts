import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LastOwnerError } from '../../src/storage/accounts/UserRepository.js';
import type { Store } from '../../src/storage/Store.js';
import { type OpenedBackend, storeBackends } from '../support/storeBackends.js';
import { OWNER_EMAIL, startTestApp, type TestApp } from '../support/testApp.js';

async function owner(store: Store, email: string): Promise<string> {
  const user = await store.users.create({
    email,
    role: 'owner',
    passwordHash: 'x',
    createdAt: 1,
    siteIds: null,
  });
  if (!user) throw new Error('user exists');
  return user.id;
}

const settled = async (changes: Array<Promise<unknown>>) =>
  (await Promise.allSettled(changes)).map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason));

/**
 * The last owner cannot be demoted or deleted by any path: the store checks it inside the
 * change's transaction, so two changes at once (two requests, two processes) cannot both pass a
 * count taken before either wrote.
 */
describe.each(await storeBackends())('the last owner on $name', (backend) => {
  let opened: OpenedBackend;
  let second: Store;
  beforeAll(async () => {
    opened = await backend.open();
    // PostgreSQL: a second pool, as a second process would have. SQLite: the same store, as
    // better-sqlite3 blocks the whole process while it waits for another connection's lock.
    second = backend.name === 'postgres' ? await opened.reopen() : opened.store;
  });
  afterAll(async () => {
    if (second !== opened.store) await second.close();
    await opened.store.close();
    await opened.cleanup();
  });

  it('refuses to demote or delete the only owner', async () => {
    const { store } = opened;
    const only = await owner(store, 'only@test.local');
    await expect(store.users.update(only, { role: 'admin' })).rejects.toBeInstanceOf(LastOwnerError);
    await expect(store.users.delete(only)).rejects.toBeInstanceOf(LastOwnerError);
    // Other changes of the owner go through.
    expect((await store.users.update(only, { role: 'owner', ssoLinkAllowed: true }))?.ssoLinkAllowed).toBe(
      true,
    );
    expect(await store.users.countByRole('owner')).toBe(1);
  });

  it('lets one of two owners go, never both at once', async () => {
    const { store } = opened;
    const only = (await store.users.findByEmail('only@test.local'))?.id ?? '';
    const a = await owner(store, 'a@test.local');
    // Two owners; both demoted at once, from two stores on the same database.
    const outcomes = await settled([
      store.users.update(a, { role: 'admin' }),
      second.users.update(only, { role: 'analyst' }),
    ]);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o instanceof LastOwnerError)).toHaveLength(1);
    expect(await store.users.countByRole('owner')).toBe(1);

    const remaining = (await store.users.findById(a))?.role === 'owner' ? a : only;
    const b = await owner(store, 'b@test.local');
    const deletions = await settled([store.users.delete(b), second.users.delete(remaining)]);
    expect(deletions.filter((o) => o === 'ok')).toHaveLength(1);
    expect(deletions.filter((o) => o instanceof LastOwnerError)).toHaveLength(1);
    expect(await store.users.countByRole('owner')).toBe(1);
  });
});

describe('the last owner through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 409 to a demotion or deletion of the last owner, also when two owners demote each other at once', async () => {
    const { store } = t.app.veil;
    const first = (await store.users.findByEmail(OWNER_EMAIL))?.id ?? '';
    const secondId = await owner(store, 'second@test.local');
    const headers = { authorization: `Bearer ${await t.token('owner')}` };
    const answers = await Promise.all(
      [first, secondId].map((id) =>
        t.app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers, payload: { role: 'admin' } }),
      ),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.statusCode === 409)?.json().error.code).toBe('conflict');
    expect(await store.users.countByRole('owner')).toBe(1);
    const last = (await store.users.findByEmail(OWNER_EMAIL))?.role === 'owner' ? first : secondId;
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${last}`, headers });
    expect(deleted.statusCode).toBe(409);
    expect((await store.users.findById(last))?.role).toBe('owner');
  });
});
