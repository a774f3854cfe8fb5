import type { Generated } from 'kysely';

/** Sites, their allowed origins and their current privacy policy. Part of `Database`. */
export interface SiteTables {
  sites: SitesTable;
  site_origins: SiteOriginsTable;
  site_policies: SitePoliciesTable;
}

export interface SitesTable {
  id: string;
  site_key: string;
  name: string;
  created_at: number;
  /** Raw replays one user may open per hour before an access-anomaly alert is raised. */
  raw_replays_per_hour: Generated<number>;
  /** 1 for the demo site: its sessions are demo data (`veil demo --erase`). */
  demo: Generated<number>;
}

export interface SiteOriginsTable {
  site_id: string;
  origin: string;
}

export interface SitePoliciesTable {
  site_id: string;
  policy_json: string;
  updated_at: number;
}
