import type { INCIDENT_FOUND_HOW, IncidentDecision, IncidentKind } from '@veil/core';

export interface IncidentRecord {
  id: string;
  siteId: string;
  siteKey: string;
  title: string;
  kind: IncidentKind;
  page: string | null;
  element: string | null;
  windowFrom: number | null;
  windowTo: number | null;
  foundHow: (typeof INCIDENT_FOUND_HOW)[number];
  foundDetails: string | null;
  discoveredAt: number;
  createdBy: string;
  createdAt: number;
  decision: IncidentDecision | null;
}

export interface IncidentRepository {
  create(incident: IncidentRecord): Promise<void>;
  get(id: string): Promise<IncidentRecord | undefined>;
  /** The site's incidents, most recently discovered first. */
  list(siteId: string, limit: number): Promise<IncidentRecord[]>;
  /** Records the decision once: false when the incident had one already. */
  decide(id: string, decision: IncidentDecision): Promise<boolean>;
}
