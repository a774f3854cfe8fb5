/**
 * Every kind of act the audit log records, one name per act (`area.past_tense_verb`). A feature
 * that needs a new kind adds it here, with a line saying what its `details` hold; the dashboard's
 * audit view and docs/audit.md list these names.
 */
export const AUDIT_ACTIONS = {
  'auth.login_succeeded': 'a user signed in; details: method (password | oidc), totp (boolean)',
  'auth.login_failed': 'a sign-in was refused; details: method, reason',
  'auth.locked_out': 'an account was locked after repeated failures; details: until, failures',
  'auth.second_factor_passed': 'a session passed its second factor; details: method (totp | provider)',
  'auth.second_factor_failed': 'a wrong or reused TOTP code was given',
  'auth.logged_out': 'a user signed out of one session',
  'auth.logged_out_everywhere': 'every session of a user was ended; details: sessionsEnded',
  'auth.totp_enrolled': 'a user turned on two-factor authentication',
  'auth.totp_reset': 'two-factor authentication of a user was removed; details: by',
  'auth.password_changed': 'a password was changed or reset',
  'user.created': 'a user was added; details: email, role, sites',
  'user.updated': 'a user changed; details: changes (field, before, after)',
  'user.deleted': 'a user was removed; details: email, role',
  'token.created': 'an API token was created; details: name, role, sites, expiresAt',
  'token.revoked': 'an API token was revoked; details: name',
  'site.created': 'a site was registered; details: name, origins',
  'site.updated': 'a site changed; details: changes',
  'replay.viewed': 'a raw replay was opened; details: purpose, ticket, grantId, expiresAt',
  'replay.access_anomaly':
    'a user opened more raw replays in an hour than the site allows; details: count, limit',
  'export.downloaded': 'recordings or subject data left Veil; details: what, filters, count',
  'policy.changed': 'a privacy policy version was published; details: version, diff',
  'consent.config_changed': 'consent configuration changed; details: diff',
  'erasure.performed': 'a data subject was erased; details: selector kind, sessions, receipt',
  'erasure.content_scanned':
    "a site's recordings were scanned for a leaked value or pattern; details: scanId, kind, valueHash (keyed hash, never the value), caseSensitive, receivedFrom, receivedTo, incidentId",
  'incident.created':
    'an exposure incident was recorded; details: incidentId, title, kind, page, element, windowFrom, windowTo, foundHow, discoveredAt',
  'incident.decided':
    'the notification decision of an exposure incident was recorded; details: incidentId, decision (notify | no_notify), reason, notifiedAt, discoveredAt, deadline, inTime',
  'erasure.content_erased':
    'the sessions a content scan found were erased; details: scanId, receiptId, valueHash, sessions, chunks, dataKeysDestroyed, held, incidentId',
  'retention.purged':
    'a purge run removed the recordings of a site past its retention (the purge receipt); details: receiptId, runId, trigger, policyVersion, retentionDays, cutoff, sessions, chunks, bytes, dataKeysDestroyed, held, overdue, oldestRemainingAt',
  'retention.exception':
    'sessions older than the retention policy were still present after a purge run, or the run failed; details: reason, overdue, oldestAt, retentionDays',
  'retention.hold_placed':
    'a legal hold keeps sessions past retention; details: holdId, scope (session | subject), reason, expiresAt',
  'retention.hold_released': 'a legal hold was released before its expiry; details: holdId',
  'retention.hold_ended': 'a legal hold reached its expiry and ended by itself; details: holdId, expiresAt',
  'scan.schedule_changed':
    "a site's scheduled pre-consent scan changed; details: enabled, intervalHours, paths, crawl, acceptSelector, rejectSelector",
  'inventory.approved':
    'a data inventory item was approved as in scope; details: itemId, kind, pagePattern, path, note',
  'inventory.excluded':
    'a data inventory item was excluded, writing a policy rule; details: itemId, kind, pagePattern, path, reason, rule, policyVersion',
  'alert.acknowledged': 'an alert was acknowledged; details: alertId, kind, note',
  'alert.resolved': 'an alert was resolved; details: alertId, kind, note',
  'alert.sink_changed':
    'an alert sink was created, updated or deleted; details: change, name, type, enabled (never its secrets)',
  'report.downloaded': 'a compliance report was downloaded; details: report, format',
  'compliance.processor_changed':
    'the processor / DPA register of a site changed; details: change (added | updated | removed), name, dpaSignedAt',
  'compliance.attested':
    'someone attested a compliance practice Veil holds no evidence of (counts for a year); details: kind, expiresAt',
  'compliance.summary_sent':
    "a site's monthly compliance summary was generated and sent to its alert sinks; details: month, score, max",
  'audit.exported': 'the audit log was exported; details: format, filters, count',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && Object.hasOwn(AUDIT_ACTIONS, value);
}
