import type { AlertDetails, AlertKind, AlertSeverity } from '@veil/core';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

/** One alert of the dashboard inbox. Never holds a recorded value. */
export interface AlertRecord {
  id: string;
  siteId: string;
  kind: AlertKind;
  fingerprint: string;
  severity: AlertSeverity;
  summary: string;
  details: AlertDetails;
  /** 1 + the duplicates folded into it. */
  occurrences: number;
  status: AlertStatus;
  firstSeenAt: number;
  lastSeenAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  note: string | null;
}

export interface NewAlert {
  siteId: string;
  kind: AlertKind;
  fingerprint: string;
  severity: AlertSeverity;
  summary: string;
  details: AlertDetails;
  at: number;
}

export interface AlertListOptions {
  /** Only these sites; `all` for every site. */
  siteIds: readonly string[] | 'all';
  status?: AlertStatus | 'unresolved';
  kind?: AlertKind;
  limit: number;
}

/** The inbox: alerts, folded by fingerprint while unresolved. */
export interface AlertRepository {
  /**
   * Inserts a new alert, or folds it into the site's unresolved alert with the same fingerprint
   * (occurrences + 1, last seen now). `created` says which.
   */
  raise(alert: NewAlert): Promise<{ alert: AlertRecord; created: boolean }>;
  findById(id: string): Promise<AlertRecord | undefined>;
  /** The unresolved alert with this fingerprint, if any. */
  findOpen(siteId: string, fingerprint: string): Promise<AlertRecord | undefined>;
  /** Most recently seen first. */
  list(options: AlertListOptions): Promise<AlertRecord[]>;
  /** True when it was open and is now acknowledged. */
  acknowledge(id: string, by: string, at: number, note: string | null): Promise<boolean>;
  /** True when it was unresolved and is now resolved. */
  resolve(id: string, by: string, at: number, note: string | null): Promise<boolean>;
}
