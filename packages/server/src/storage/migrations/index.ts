import { initialSchema } from './001_initial.js';
import type { Migration } from './Migration.js';

/** Every migration, in order; versions are consecutive from 1. Append only. */
export const MIGRATIONS: readonly Migration[] = [initialSchema];

/** The schema version this build of Veil expects. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
