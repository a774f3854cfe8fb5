/**
 * URL path patterns of the policy's page allow and deny lists:
 * `*` matches within one segment, `**` matches any rest, `:name` matches one segment.
 */
export function pathMatchesPattern(path: string, pattern: string): boolean {
  const p = pattern.trim();
  if (p === '') return false;
  const patSegs = p.replace(/^\/+/, '').split('/');
  const pathSegs = path.replace(/^\/+/, '').split('/');
  for (let i = 0; i < patSegs.length; i++) {
    const seg = patSegs[i]!;
    if (seg === '**') return true;
    const actual = pathSegs[i];
    if (actual === undefined) return seg === '' && i === patSegs.length - 1;
    if (seg.startsWith(':')) {
      if (actual === '') return false;
      continue;
    }
    if (seg.includes('*')) {
      const re = new RegExp(`^${seg.split('*').map(escapeRegExp).join('[^/]*')}$`);
      if (!re.test(actual)) return false;
      continue;
    }
    if (seg !== actual) return false;
  }
  return patSegs.length === pathSegs.length;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Allowed when on the allow list (or the allow list is empty) and not on the deny list. */
export function pageAllowed(
  path: string,
  allowList: readonly string[],
  denyList: readonly string[],
): boolean {
  if (denyList.some((p) => pathMatchesPattern(path, p))) return false;
  return allowList.length === 0 || allowList.some((p) => pathMatchesPattern(path, p));
}
