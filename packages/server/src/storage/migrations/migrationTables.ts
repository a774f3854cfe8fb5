/** The table `runMigrations` keeps: one row per applied migration. Part of `Database`. */
export interface MigrationTables {
  schema_version: SchemaVersionTable;
}

export interface SchemaVersionTable {
  version: number;
  name: string;
  applied_at: number;
}
