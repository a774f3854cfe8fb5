import type { PrivacyPolicy } from './privacyPolicy.js';

/** One changed field between two policies. */
export interface PolicyChange {
  field: keyof PrivacyPolicy;
  kind: 'changed' | 'added' | 'removed';
  before: unknown;
  after: unknown;
  /** For list fields: the entries that appeared and disappeared. */
  added?: unknown[];
  removed?: unknown[];
}

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b)))
      : x,
  );

/** Field-by-field difference; list fields also say which entries were added and removed. */
export function diffPolicies(before: PrivacyPolicy, after: PrivacyPolicy): PolicyChange[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof PrivacyPolicy>;
  const changes: PolicyChange[] = [];
  for (const field of [...fields].sort()) {
    const a = before[field];
    const b = after[field];
    if (stable(a) === stable(b)) continue;
    const kind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    const change: PolicyChange = { field, kind, before: a, after: b };
    if (Array.isArray(a) || Array.isArray(b)) {
      const aa = (Array.isArray(a) ? a : []).map(stable);
      const bb = (Array.isArray(b) ? b : []).map(stable);
      change.added = bb.filter((x) => !aa.includes(x)).map((x) => JSON.parse(x));
      change.removed = aa.filter((x) => !bb.includes(x)).map((x) => JSON.parse(x));
    }
    changes.push(change);
  }
  return changes;
}

/** A readable, line-per-change rendering of a diff (CLI `policy push --dry-run`, audit entries). */
export function formatPolicyDiff(changes: readonly PolicyChange[]): string {
  if (changes.length === 0) return 'no changes';
  const lines: string[] = [];
  for (const c of changes) {
    if (c.added || c.removed) {
      for (const x of c.removed ?? []) lines.push(`- ${c.field}: ${JSON.stringify(x)}`);
      for (const x of c.added ?? []) lines.push(`+ ${c.field}: ${JSON.stringify(x)}`);
    } else {
      lines.push(`~ ${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
    }
  }
  return lines.join('\n');
}
