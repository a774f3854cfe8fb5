import { z } from 'zod';

/**
 * Every kind of alert Veil raises (docs/alerts.md). An alert names where something happened
 * (page pattern, element path, label, counts), never a recorded value.
 */
export const ALERT_KINDS = [
  /** A page pattern or a field appeared that the data inventory has not seen (pending review). */
  'scope_drift',
  /** A field whose name, label or autocomplete looks sensitive is captured unmasked. */
  'sensitive_field_unmasked',
  /** The server had to mask what the browser should have (privacy engine). */
  'masking_failure',
  /** A privacy canary value arrived unmasked (privacy engine). */
  'canary',
  /** Recordings could not be purged on time, or retention was held back. */
  'retention_exception',
  /** Many more batches than usual came from restricted regions. */
  'restricted_region_spike',
  /** Someone opened more raw replays than the site allows. */
  'access_anomaly',
  /** The share of visitors granting consent fell sharply. */
  'consent_rate_drop',
  /** The scanner found a tracker firing before consent. */
  'pre_consent_tracker',
  /** The monthly compliance summary of a site (readiness score and the month's figures). */
  'compliance_summary',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const alertKindSchema = z.enum(ALERT_KINDS);

export const ALERT_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** How urgent each kind is (sinks show it; the digest sorts by it). */
export const ALERT_SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  scope_drift: 'medium',
  sensitive_field_unmasked: 'high',
  masking_failure: 'high',
  canary: 'critical',
  retention_exception: 'high',
  restricted_region_spike: 'medium',
  access_anomaly: 'high',
  consent_rate_drop: 'medium',
  pre_consent_tracker: 'high',
  compliance_summary: 'low',
};

/** Short human titles of the kinds (dashboard, e-mail subjects, webhook text). */
export const ALERT_KIND_TITLES: Readonly<Record<AlertKind, string>> = {
  scope_drift: 'Scope drift',
  sensitive_field_unmasked: 'Sensitive field captured unmasked',
  masking_failure: 'Masking failure',
  canary: 'Privacy canary arrived unmasked',
  retention_exception: 'Retention exception',
  restricted_region_spike: 'Restricted-region spike',
  access_anomaly: 'Access anomaly',
  consent_rate_drop: 'Consent-rate drop',
  pre_consent_tracker: 'Tracker before consent',
  compliance_summary: 'Monthly compliance summary',
};

/** Most characters of one detail value: details are labels, paths and counts, not text. */
export const MAX_ALERT_DETAIL_CHARS = 300;
/** Most detail fields of one alert. */
export const MAX_ALERT_DETAILS = 20;

/**
 * What an alert carries besides its kind: flat labels, element paths, patterns and counts. The
 * bound keeps it from becoming a place for recorded text.
 */
export const alertDetailsSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'detail names are identifiers'),
    z.union([z.string().max(MAX_ALERT_DETAIL_CHARS), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((d) => Object.keys(d).length <= MAX_ALERT_DETAILS, `at most ${MAX_ALERT_DETAILS} details`);
export type AlertDetails = z.infer<typeof alertDetailsSchema>;

/** A sink's name: what policy routes refer to. `inbox` is the dashboard's and always exists. */
export const alertSinkNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, "_" and "-" only');

/** The dashboard inbox: every alert lands there whatever the routes say. */
export const INBOX_SINK = 'inbox';

/** One routing rule: these kinds (or `*`, every kind) go to these sinks (by name). */
export const alertRouteSchema = z.object({
  kinds: z.array(z.union([alertKindSchema, z.literal('*')])).min(1),
  sinks: z.array(alertSinkNameSchema).min(1).max(20),
});
export type AlertRoute = z.infer<typeof alertRouteSchema>;

/**
 * Alerting, as part of a site's privacy policy (policy as code): where each kind goes and how
 * loud it may get. The sinks themselves (URLs, mail servers, secrets) are configured apart,
 * because a policy file holds no secret.
 */
export const alertPolicySchema = z.object({
  /** Which sinks receive which kinds, besides the inbox. @default [] (inbox only) */
  routes: z.array(alertRouteSchema).max(50),
  /**
   * Most notifications one sink sends per hour; alerts beyond it wait and go out as one digest.
   * @default 10
   */
  maxPerSinkPerHour: z.number().int().min(1).max(1000),
  /** Batches per hour from restricted regions that raise a spike alert. @default 100 */
  restrictedRegionSpikePerHour: z.number().int().min(1).max(10_000_000),
  /**
   * Percentage points the day's consent rate may fall below the previous week's before an alert.
   * @default 20
   */
  consentRateDropPoints: z.number().min(1).max(100),
});
export type AlertPolicy = z.infer<typeof alertPolicySchema>;

export const DEFAULT_ALERT_POLICY: Readonly<AlertPolicy> = Object.freeze({
  routes: [],
  maxPerSinkPerHour: 10,
  restrictedRegionSpikePerHour: 100,
  consentRateDropPoints: 20,
});

/** The sinks (by name, besides the inbox) an alert of `kind` goes to under `policy`. */
export function sinksFor(policy: AlertPolicy, kind: AlertKind): string[] {
  const names = new Set<string>();
  for (const route of policy.routes) {
    if (route.kinds.includes('*') || route.kinds.includes(kind)) {
      for (const sink of route.sinks) if (sink !== INBOX_SINK) names.add(sink);
    }
  }
  return [...names];
}
