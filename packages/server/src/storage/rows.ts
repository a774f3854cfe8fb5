import { isRole, type Role } from '@veil/core';

/** A role read back from the database; anything else means the row was tampered with. */
export function roleFromRow(value: string): Role {
  if (!isRole(value)) throw new Error('stored role is not a known role');
  return value;
}

/** Number of rows an insert/update/delete touched, from Kysely's bigint-or-undefined. */
export function affected(count: bigint | undefined): number {
  return Number(count ?? 0n);
}
