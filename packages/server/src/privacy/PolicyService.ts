import {
  type AuditActor,
  diffPolicies,
  formatPolicyDiff,
  ipRuleProblem,
  type PolicyChange,
  type PrivacyPolicy,
  parsePrivacyPolicy,
  presetPolicy,
  validateSelectors,
} from '@veil/core';
import { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import { validationError } from '../errors/validationError.js';
import type { PolicyAuthor, PolicyVersionRecord } from '../storage/privacy/PrivacyRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

/** A change's reason: required, short, stored with the version and in the audit log. */
export const policyReasonSchema = z.string().trim().min(3, 'say why the policy changes').max(500);

/** The policy's difference to the preset it started from, for the dashboard. */
export interface PresetComparison {
  preset: PrivacyPolicy['preset'];
  changes: PolicyChange[];
  text: string;
}

/** What a proposed policy would change: validated, diffed against the current version. */
export interface PolicyPreview {
  policy: PrivacyPolicy;
  baseVersion: number;
  changes: PolicyChange[];
  text: string;
  preset: PresetComparison;
}

/** The policy fields that hold CSS selectors, checked when a policy is written. */
export const POLICY_SELECTOR_FIELDS = [
  'blockSelectors',
  'maskTextSelectors',
  'unmaskSelectors',
  'allowIframes',
] as const satisfies readonly (keyof PrivacyPolicy)[];

/**
 * Parses a proposed policy (missing fields take their defaults) or throws: `validation_failed`
 * for the schema, `invalid_selector` for a CSS selector browsers would refuse (joined with the
 * others into one selector, a single bad one made the browser's match throw, and rrweb took that
 * as "not blocked"), `invalid_ip_rule` for a block-list rule that would silently match nothing.
 * Each message names the field and the offending value.
 */
export function parseProposedPolicy(input: unknown): PrivacyPolicy {
  let policy: PrivacyPolicy;
  try {
    policy = parsePrivacyPolicy(input);
  } catch (error) {
    if (error instanceof z.ZodError) throw validationError(error, 'policy');
    throw error;
  }
  for (const field of POLICY_SELECTOR_FIELDS) {
    const [first] = validateSelectors(policy[field]);
    if (first) {
      throw new VeilError(
        'invalid_selector',
        `policy.${field}: ${JSON.stringify(first.selector)} is not a valid CSS selector (${first.problem})`,
      );
    }
  }
  for (const rule of policy.ipBlockList) {
    const problem = ipRuleProblem(rule);
    if (problem !== null) {
      throw new VeilError(
        'invalid_ip_rule',
        `policy.ipBlockList: ${JSON.stringify(rule)} is not an IP rule (${problem}); use an address, a wildcard (203.0.113.*) or a CIDR range (192.0.2.0/24, 2001:db8::/32)`,
      );
    }
  }
  return policy;
}

export function compareToPreset(policy: PrivacyPolicy): PresetComparison {
  const changes = diffPolicies(presetPolicy(policy.preset), policy);
  return { preset: policy.preset, changes, text: formatPolicyDiff(changes) };
}

/** The audit actor of a policy author. */
function actorOf(author: PolicyAuthor): AuditActor {
  if (author.type === 'user' || author.type === 'token')
    return { type: author.type, id: author.id, label: author.label };
  return { type: 'system', id: null, label: author.label };
}

/**
 * Versioned site policies: the current version, the history, previews and updates. Every update
 * is a new, never edited version with its author, time, reason and readable diff, made current in
 * the same transaction, and an audit event (`policy.changed`). A site whose history is empty gets
 * its current policy as version 1 the first time it is asked for.
 */
export class PolicyService {
  constructor(private readonly deps: { store: Store; clock: Clock; audit: AuditLog }) {}

  async current(site: SiteRecord): Promise<PolicyVersionRecord> {
    const latest = await this.deps.store.privacy.latestVersion(site.id);
    if (latest) return latest;
    const { version: _version, ...initial } = initialVersion(site);
    const first = await this.deps.store.privacy.appendVersion({ ...initial, previousVersion: 0 });
    if (first !== 'conflict') return first;
    const again = await this.deps.store.privacy.latestVersion(site.id);
    if (!again) throw new Error('policy version 1 vanished');
    return again;
  }

  /**
   * The current version for reading: like `current`, but a site whose first version is not
   * stored yet gets it described, not written (reads change nothing).
   */
  async read(site: SiteRecord): Promise<PolicyVersionRecord> {
    return (await this.deps.store.privacy.latestVersion(site.id)) ?? initialVersion(site);
  }

  async history(site: SiteRecord, limit: number): Promise<PolicyVersionRecord[]> {
    const versions = await this.deps.store.privacy.listVersions(site.id, limit);
    return versions.length > 0 ? versions : [initialVersion(site)];
  }

  async version(site: SiteRecord, version: number): Promise<PolicyVersionRecord | undefined> {
    const found = await this.deps.store.privacy.getVersion(site.id, version);
    if (found || version !== 1) return found;
    return (await this.deps.store.privacy.latestVersion(site.id)) ? undefined : initialVersion(site);
  }

  /** What `proposed` would change, without changing anything (dashboard preview, `push --dry-run`). */
  async preview(site: SiteRecord, proposed: unknown): Promise<PolicyPreview> {
    const current = await this.read(site);
    const policy = parseProposedPolicy(proposed);
    const changes = diffPolicies(current.policy, policy);
    return {
      policy,
      baseVersion: current.version,
      changes,
      text: formatPolicyDiff(changes),
      preset: compareToPreset(policy),
    };
  }

  /**
   * Publishes `proposed` as the next version. `baseVersion`, when given, must be the current one
   * (someone else's change in between is a `conflict`, not silently overwritten). An unchanged
   * policy is refused: a version is a change.
   */
  async update(
    site: SiteRecord,
    proposed: unknown,
    reason: string,
    author: PolicyAuthor,
    baseVersion?: number,
  ): Promise<PolicyVersionRecord> {
    const why = policyReasonSchema.safeParse(reason);
    if (!why.success) throw validationError(why.error, 'reason');
    await this.current(site); // a write: version 1 is stored now if it was not yet
    const preview = await this.preview(site, proposed);
    if (baseVersion !== undefined && baseVersion !== preview.baseVersion) {
      throw new VeilError(
        'conflict',
        `the policy is at version ${preview.baseVersion}, not ${baseVersion}: review the new version first`,
      );
    }
    if (preview.changes.length === 0) {
      throw new VeilError('validation_failed', 'policy: nothing changes; a new version needs a change');
    }
    const appended = await this.deps.store.privacy.appendVersion({
      siteId: site.id,
      previousVersion: preview.baseVersion,
      policy: preview.policy,
      author,
      reason: why.data,
      diff: preview.changes,
      createdAt: this.deps.clock.now(),
    });
    if (appended === 'conflict') {
      throw new VeilError('conflict', 'another change was published meanwhile: review the new version first');
    }
    await this.deps.audit.record({
      action: 'policy.changed',
      actor: actorOf(author),
      siteKey: site.siteKey,
      target: { type: 'policy_version', id: String(appended.version) },
      details: {
        version: appended.version,
        reason: appended.reason,
        diff: JSON.parse(JSON.stringify(appended.diff)),
        text: preview.text,
      },
    });
    return appended;
  }
}

/** Version 1 of a site: the policy it was created with, by the system. */
function initialVersion(site: SiteRecord): PolicyVersionRecord {
  return {
    siteId: site.id,
    version: 1,
    policy: site.policy,
    author: { type: 'system', id: null, label: 'system' },
    reason: 'initial policy',
    diff: [],
    createdAt: site.createdAt,
  };
}
