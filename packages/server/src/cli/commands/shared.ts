import { isRole, ROLES, type Role } from '@veil/core';
import { InvalidArgumentError } from 'commander';
import { loadConfig, type VeilConfig } from '../../config/config.js';
import { openStore } from '../../storage/openStore.js';
import type { Store } from '../../storage/Store.js';

/** Output of a command; tests capture it, the binary writes to stdout/stderr. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The terminal behind `err`, for progress drawn in place (`veil scan`); absent in tests. */
  errStream?: { isTTY?: boolean; columns?: number; write(text: string): unknown };
}

export function parseRole(value: string): Role {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Runs `work` on the configured store (same environment as the server), closing it afterwards. */
export async function withStore<T>(
  io: CliIo,
  work: (store: Store, config: VeilConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfig(io.env, io.cwd);
  const store = await openStore(config.database);
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

/** Site keys to ids; throws naming an unknown key. */
export async function siteIdsOf(store: Store, siteKeys: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const key of siteKeys) {
    const site = await store.sites.findByKey(key);
    if (!site) throw new InvalidArgumentError(`no site has the key ${key}`);
    ids.push(site.id);
  }
  return ids;
}
