/**
 * Exposure incidents (migration `012_incidents`): what leaked (kind, page, element, time window,
 * how it was found), when it was discovered (the 72-hour clock) and the notification decision.
 * Sessions are linked through content scans (`content_scans.incident_id`). No recorded value.
 */
export interface IncidentTables {
  exposure_incidents: ExposureIncidentsTable;
}

export interface ExposureIncidentsTable {
  id: string;
  site_id: string;
  site_key: string;
  title: string;
  kind: string;
  page: string | null;
  element: string | null;
  window_from: number | null;
  window_to: number | null;
  found_how: string;
  found_details: string | null;
  discovered_at: number;
  created_by: string;
  created_at: number;
  /** `notify` or `no_notify` once decided. */
  decision: string | null;
  decision_reason: string | null;
  notified_at: number | null;
  decided_by: string | null;
  decided_at: number | null;
}
