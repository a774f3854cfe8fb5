import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src/storage/migrations/index.js';
import type { Migration } from '../../src/storage/migrations/Migration.js';

// Every migration file is `NNN_name.ts`, declares `version: NNN` and `name: 'name'`, the numbers run
// 1, 2, 3, … without a gap, and `index.ts` lists exactly these files in that order.

const DIR = fileURLToPath(new URL('../../src/storage/migrations/', import.meta.url));
/** The files of `migrations/` that are not migrations. */
const SUPPORT_FILES = new Set(['Migration.ts', 'index.ts', 'migrationTables.ts', 'runMigrations.ts']);
const MIGRATION_FILE = /^(\d{3})_([a-z0-9]+(?:_[a-z0-9]+)*)\.ts$/;

function isMigration(value: unknown): value is Migration {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.version === 'number' &&
    typeof candidate.name === 'string' &&
    typeof candidate.up === 'function'
  );
}

const files = readdirSync(DIR)
  .filter((file) => file.endsWith('.ts') && !SUPPORT_FILES.has(file))
  .sort();
const modules = await Promise.all(
  files.map(async (file) => ({ file, exports: (await import(`${DIR}${file}`)) as Record<string, unknown> })),
);

describe('migrations', () => {
  it('are named NNN_name.ts', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(MIGRATION_FILE);
  });

  it('each declare the version and name of their file name', () => {
    for (const { file, exports } of modules) {
      const declared = Object.values(exports).filter(isMigration);
      expect(declared, file).toHaveLength(1);
      const [, number, name] = MIGRATION_FILE.exec(file) ?? [];
      expect({ version: declared[0]?.version, name: declared[0]?.name }, file).toEqual({
        version: Number(number),
        name,
      });
    }
  });

  it('are numbered 1, 2, 3, … without a gap', () => {
    const numbers = files.map((file) => Number(MIGRATION_FILE.exec(file)?.[1]));
    expect(numbers).toEqual(files.map((_, i) => i + 1));
  });

  it('are all listed in the index, in file order', () => {
    const fromFiles = modules.map(({ exports }) => Object.values(exports).find(isMigration));
    expect(MIGRATIONS).toHaveLength(fromFiles.length);
    for (const [i, migration] of MIGRATIONS.entries()) expect(migration, files[i]).toBe(fromFiles[i]);
    expect(LATEST_SCHEMA_VERSION).toBe(files.length);
  });
});
