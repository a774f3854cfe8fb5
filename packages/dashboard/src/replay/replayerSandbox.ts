/**
 * Recorded DOM is untrusted replay data: it is only ever rebuilt in an iframe that is sandboxed
 * without `allow-scripts` (DESIGN.md). rrweb does that by default; Veil checks it after every
 * mount and refuses to play otherwise, so a future option or upgrade cannot loosen it quietly.
 */
export class UnsafeReplaySandboxError extends Error {
  constructor(sandbox: string | null) {
    super(
      sandbox === null
        ? 'The replay frame is not sandboxed; Veil refuses to replay recorded pages outside a sandbox.'
        : `The replay frame's sandbox ("${sandbox}") would let recorded scripts run; Veil refuses to replay it.`,
    );
    this.name = 'UnsafeReplaySandboxError';
  }
}

/** Sandbox tokens that would let recorded content act: run scripts, escape or open windows. */
const FORBIDDEN_SANDBOX_TOKENS = [
  'allow-scripts',
  'allow-top-navigation',
  'allow-top-navigation-by-user-activation',
  'allow-popups',
  'allow-popups-to-escape-sandbox',
  'allow-forms',
  'allow-modals',
] as const;

/** The value of a `sandbox` attribute is safe for replay when it grants none of the forbidden tokens. */
export function isSafeReplaySandbox(sandbox: string | null): boolean {
  if (sandbox === null) return false;
  const tokens = sandbox.toLowerCase().split(/\s+/).filter(Boolean);
  return !tokens.some((t) => (FORBIDDEN_SANDBOX_TOKENS as readonly string[]).includes(t));
}

/** Throws unless `iframe` is sandboxed without scripts. */
export function assertSafeReplayFrame(iframe: Pick<HTMLIFrameElement, 'getAttribute'>): void {
  const sandbox = iframe.getAttribute('sandbox');
  if (!isSafeReplaySandbox(sandbox)) throw new UnsafeReplaySandboxError(sandbox);
}
