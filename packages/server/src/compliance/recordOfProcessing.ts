import type { ComplianceReport, PrivacyPolicy, Processor, Role } from '@veil/core';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** The GDPR Art. 30 record of processing for one site, from its live policy, its accounts and its processors. */
export function recordOfProcessing(
  site: SiteRecord,
  policy: PrivacyPolicy,
  roles: readonly Role[],
  processors: readonly Processor[],
): ComplianceReport['recordOfProcessing'] {
  const purposes = policy.heatmapOnly
    ? ['Heatmaps of clicks, scrolls and attention to improve the pages (aggregated, no replayable session)']
    : [
        'Understanding how visitors use the site: replays of sessions to find usability problems and bugs',
        `Heatmaps of clicks, scrolls and attention, shown only where at least ${policy.heatmapMinSessions} sessions contributed`,
      ];
  const categories = [
    'Interaction events: clicks, scrolls, mouse movements, page changes (masked DOM)',
    `Page URLs without query string or fragment${policy.allowedUrlParams.length > 0 ? ` (except ${policy.allowedUrlParams.length} allowed parameters)` : ''}`,
    'Device class, viewport size, session timing',
    'A random pseudonymous visitor identifier',
    'A keyed hash of the user id, when the site identifies signed-in users',
    'Consent receipts (decision, source, policy version, country when configured)',
  ];
  const never = [
    'Passwords (never captured, not configurable)',
    policy.maskAllText
      ? 'Input values and page text (all masked)'
      : 'Input values (all masked); detected personal data in text (masked)',
    'IP addresses (used once for the block list and region, never stored)',
    ...(policy.captureNetworkPayloads ? [] : ['Network request and response payloads']),
    ...(policy.allowIframes.length === 0
      ? ['Iframe, canvas and media content']
      : ['Canvas and media content']),
  ];
  const byRole = new Map<Role, number>();
  for (const r of roles) byRole.set(r, (byRole.get(r) ?? 0) + 1);
  const recipients = [
    ...[...byRole.entries()].map(
      ([role, n]) => `${n} Veil account${n === 1 ? '' : 's'} with the role ${role}`,
    ),
    ...processors.map((p) => `${p.name} (${p.role}, ${p.location}): ${p.purpose}`),
  ];
  const locations = [...new Set(processors.map((p) => p.location))];
  return {
    controller: `The operator of ${site.name} (${site.origins.join(', ') || 'no origin registered'})`,
    purposes,
    dataSubjects: ['Visitors of the site who are sampled and, under consent, have consented'],
    dataCategories: categories,
    neverCollected: never,
    recipients: recipients.length > 0 ? recipients : ['No one besides the controller'],
    transfers:
      locations.length > 0
        ? `Processed where the register says: ${locations.join(', ')}; self-hosted Veil sends recordings to no third party`
        : 'Self-hosted: recordings stay on the controller’s server; no third party receives them',
    retention: `${policy.retentionDays} days from receipt by the server, then purged automatically with a purge receipt; legal holds keep named sessions longer`,
    safeguards: [
      'Masking in the browser, checked again on the server on every batch',
      'Recordings encrypted at rest (AES-256-GCM, a data key per session, wrapped by the instance key); erasure destroys the key',
      'Role-based access; raw replays need a stated purpose and a second factor, each view logged',
      'Tamper-evident audit log (hash chain with Ed25519-signed checkpoints)',
      ...(policy.honourGlobalPrivacyControl ? ['Global Privacy Control and Do Not Track honoured'] : []),
      ...(policy.canaries.length > 0
        ? [`${policy.canaries.length} privacy canaries checked on every batch`]
        : []),
    ],
  };
}
