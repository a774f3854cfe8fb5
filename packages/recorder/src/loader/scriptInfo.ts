import { URL_SAFE_ID } from '../shared/randomId.js';

/** What the loader learns from its own `<script>` tag. */
export interface ScriptInfo {
  siteKey: string;
  configUrl: string;
  /** `…/r/v1/`: where the chunks are (`recorder.js`, `banner.js` the consent banner, `cmp.js` the consent-platform adapters). */
  chunkBase: string;
  ingestUrl: string;
  /** `…/r/v1/sites/{siteKey}/consent`: consent receipts (grants, withdrawals). */
  consentUrl: string;
  /**
   * `data-consent="tcf gcm onetrust cookiebot osano banner"`: consent platforms to listen to, and
   * `banner` for Veil's built-in banner. Empty: only `veil('consent', …)`.
   */
  consentSources: string[];
  /** `data-lawful-basis="legitimate_interest"`: fetch the config without waiting for consent. */
  legitimateInterestHint: boolean;
  /** `data-gpc="ignore"`: fetch the config despite GPC/DNT and let the policy decide. */
  gpcMayBeIgnored: boolean;
  /** `data-debug`: report caught errors to the console. */
  debug: boolean;
  /** The script's CSP nonce, given to the recorder chunk's script too. */
  nonce: string;
}

const LOADER_PATH = /\/r\/v1\/loader(?:\.min)?\.js(?:[?#].*)?$/;

/**
 * Reads the snippet's attributes and derives every Veil URL from the loader's own `src`
 * (`https://HOST[/prefix]/r/v1/loader.js`), so the snippet needs no host configuration.
 */
export function readScriptInfo(script: HTMLScriptElement | null): ScriptInfo | null {
  if (!script) return null;
  const src = script.src;
  const siteKey = script.getAttribute('data-site') ?? '';
  if (!LOADER_PATH.test(src) || !URL_SAFE_ID.test(siteKey)) return null;
  const base = src.replace(LOADER_PATH, '');
  const site = `${base}/r/v1/sites/${siteKey}/`;
  return {
    siteKey,
    configUrl: `${site}config`,
    chunkBase: `${base}/r/v1/`,
    ingestUrl: `${base}/ingest/v1/batch`,
    consentUrl: `${site}consent`,
    consentSources: (script.getAttribute('data-consent') ?? '').split(/[\s,]+/).filter(Boolean),
    legitimateInterestHint: script.getAttribute('data-lawful-basis') === 'legitimate_interest',
    gpcMayBeIgnored: script.getAttribute('data-gpc') === 'ignore',
    debug: script.hasAttribute('data-debug'),
    nonce: script.nonce ?? '',
  };
}

/** The loader's script: `document.currentScript`, else the first snippet tag on the page. */
export function findLoaderScript(doc: Document): HTMLScriptElement | null {
  const current = doc.currentScript;
  if (current instanceof HTMLScriptElement && LOADER_PATH.test(current.src)) return current;
  for (const s of doc.querySelectorAll<HTMLScriptElement>('script[data-site][src]')) {
    if (LOADER_PATH.test(s.src)) return s;
  }
  return null;
}
