import type { MaskingFailure, PolicyChange, PrivacyPolicy } from '@veil/core';

/** Who published a policy version. */
export interface PolicyAuthor {
  type: 'user' | 'token' | 'cli' | 'system';
  id: string | null;
  /** An email, a token's name, `cli`, `system`. */
  label: string;
}

export interface PolicyVersionRecord {
  siteId: string;
  version: number;
  policy: PrivacyPolicy;
  author: PolicyAuthor;
  reason: string;
  /** Against the previous version (empty for version 1). */
  diff: PolicyChange[];
  createdAt: number;
}

export interface NewPolicyVersion {
  siteId: string;
  /** The version this one replaces: the append fails with `conflict` when another came first. */
  previousVersion: number;
  policy: PrivacyPolicy;
  author: PolicyAuthor;
  reason: string;
  diff: PolicyChange[];
  createdAt: number;
}

export interface MaskingFailureRecord extends MaskingFailure {
  firstSeenAt: number;
  lastSeenAt: number;
}

export interface PrivacyAlertRecord {
  id: string;
  siteId: string;
  kind: 'canary';
  /** The canary's label, never its value. */
  label: string;
  count: number;
  sessionId: string | null;
  pagePattern: string;
  createdAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
}

/** Why a privacy step dropped a batch (or finalisation a session). */
export type PrivacyDropReason =
  | 'gpc'
  | 'unsampled'
  | 'ip_blocked'
  | 'region_restricted'
  | 'page_not_allowed'
  | 'network_payload'
  | 'error_events'
  | 'network_metadata'
  /** A `veil.error` / `veil.net` event whose payload is not of its shape. */
  | 'malformed_activity'
  | 'session_too_short'
  /** Record-on-error: a batch of a session that carries no error. */
  | 'no_error';

/** One hour in ms: the bucket of hourly drop counts. */
export const HOUR_MS = 60 * 60 * 1000;
/** Hourly drop counts are kept this long (the hourly alert only reads the current hour). */
export const DROP_HOURS_KEPT_MS = 48 * HOUR_MS;

export interface PrivacyDropCount {
  day: string;
  reason: PrivacyDropReason;
  count: number;
}

/** Policy versions, masking failures, privacy alerts and drop counters. */
export interface PrivacyRepository {
  /** The newest version of a site's policy. */
  latestVersion(siteId: string): Promise<PolicyVersionRecord | undefined>;
  getVersion(siteId: string, version: number): Promise<PolicyVersionRecord | undefined>;
  /** Newest first. */
  listVersions(siteId: string, limit: number): Promise<PolicyVersionRecord[]>;
  /**
   * Appends version `previousVersion + 1` and makes it the site's current policy, in one
   * transaction; `conflict` when the site's newest version is not `previousVersion`.
   */
  appendVersion(version: NewPolicyVersion): Promise<PolicyVersionRecord | 'conflict'>;
  /** Adds the counts to the site's failures (by page pattern, element, label, location). */
  recordMaskingFailures(siteId: string, failures: readonly MaskingFailure[], at: number): Promise<void>;
  /** Most recent first. */
  listMaskingFailures(siteId: string, limit: number): Promise<MaskingFailureRecord[]>;
  raiseAlert(
    alert: Omit<PrivacyAlertRecord, 'id' | 'acknowledgedAt' | 'acknowledgedBy'>,
  ): Promise<PrivacyAlertRecord>;
  /** Newest first; all sites when `siteId` is null. */
  listAlerts(
    siteId: string | null,
    options: { unacknowledgedOnly: boolean; limit: number },
  ): Promise<PrivacyAlertRecord[]>;
  findAlert(id: string): Promise<PrivacyAlertRecord | undefined>;
  /** True when it was open and is now acknowledged. */
  acknowledgeAlert(id: string, by: string, at: number): Promise<boolean>;
  countDrop(siteId: string, reason: PrivacyDropReason, at: number, count?: number): Promise<void>;
  /** Per day and reason, newest day first, since `sinceDay` (`YYYY-MM-DD`). */
  dropCounts(siteId: string, sinceDay: string): Promise<PrivacyDropCount[]>;
  /**
   * Adds `count` to the drops of the UTC clock hour `at` falls in and returns that hour's total,
   * this addition included (atomic: of concurrent callers, each sees a different total). The first
   * count of an hour prunes the site's hourly counts older than `DROP_HOURS_KEPT_MS`.
   */
  countDropInHour(siteId: string, reason: PrivacyDropReason, at: number, count?: number): Promise<number>;
}
