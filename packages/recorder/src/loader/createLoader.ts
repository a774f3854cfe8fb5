import {
  ANALYTICS_CATEGORY,
  CONSENT_RECEIPT_ID_PATTERN,
  CONSENT_SOURCES,
  type ConsentSource,
  isSessionSampled,
  pageAllowed,
} from '@veil/core';
import type { ConsentContext, RecorderHandle, StartRecorder } from '../shared/bootContract.js';
import { resumeSession } from '../shared/sessionState.js';
import { type GateConfig, parseGateConfig } from '../shared/siteConfig.js';
import { clearVeilStorage, type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';
import type { ScriptInfo } from './scriptInfo.js';

/** Page commands kept while the recorder is not running (identify, tag, flush). */
export const MAX_QUEUED_COMMANDS = 100;

/** Page commands the recorder runs, queued until it does. */
const QUEUED_COMMANDS: readonly unknown[] = ['identify', 'tag', 'flush'];

/** Everything the loader touches in the page, injected so its gates are unit-testable. */
export interface LoaderEnv {
  info: Pick<
    ScriptInfo,
    | 'siteKey'
    | 'configUrl'
    | 'ingestUrl'
    | 'consentUrl'
    | 'consentSources'
    | 'legitimateInterestHint'
    | 'gpcMayBeIgnored'
  >;
  local: KeyValueStorage | null;
  session: KeyValueStorage | null;
  /** GPC or DNT is set. */
  privacySignal(): boolean;
  /** `location.pathname` */
  path(): string;
  /** `Date.now()` */
  now(): number;
  newId(): string;
  fetchJson(url: string): Promise<unknown>;
  /** Injects `recorder.js` once and resolves with its start function. */
  loadRecorder(): Promise<StartRecorder>;
  /** Fire-and-forget POST of a JSON body (consent receipts). */
  send(url: string, body: object): void;
  /**
   * Loads the built-in consent banner, which asks unless the visitor has answered before;
   * `open`: show it whatever the earlier answer (`veil('banner')`, a "privacy settings" link).
   */
  showBanner(open: boolean): void;
  /** Loads the consent-platform adapters (`cmp.js`), which report through `veil('consent', …)`. */
  loadCmp(): void;
  onError(error: unknown, where: string): void;
}

export interface Loader {
  /** One page-API call: `['consent', {analytics}]`, `['optout']`, `['identify', id]`, … */
  command(args: readonly unknown[]): void;
  /** After the snippet's queue ran: starts at once when the snippet declares legitimate interest. */
  init(): void;
}

/**
 * The decision a `veil('consent', …)` call describes (`source` defaults to `api`). The banner's
 * hash and language pass as given: the recorder checks them before it registers a grant.
 */
function decisionOf(o: Record<string, unknown>): ConsentContext {
  const source = (CONSENT_SOURCES as readonly unknown[]).includes(o.source)
    ? (o.source as ConsentSource)
    : 'api';
  return { source, bannerTextHash: o.bannerTextHash, language: o.language } as ConsentContext;
}

/**
 * The consent gate. Until a lawful basis exists it only reads (the opt-out flag): no request, no
 * storage write, no recorder. Then, in order: GPC/DNT, the site config (none → nothing recorded),
 * lawful basis, page allow/deny lists, sampling, and only then the recorder chunk. Sampling is
 * core's `isSessionSampled` on the tab's session id (resumed or new, stored), the very function
 * the server applies to every batch: an id outside the sample stays out for its whole life. Withdrawal and opt-out stop the recorder, register the withdrawal (or
 * the opt-out) when the server may hold something of the visitor, and clear Veil's storage.
 */
export function createLoader(env: LoaderEnv): Loader {
  let consent = false;
  let receiptFromCmp: string | undefined;
  let decision: ConsentContext | undefined;
  /** Bumped by every stop: a boot that started before it stands down. */
  let generation = 0;
  let bootedGeneration = -1;
  let handle: RecorderHandle | null = null;
  let configRequest: Promise<GateConfig | null> | null = null;
  const queued: unknown[][] = [];
  /** `veil('config', …)` calls before the recorder started: local settings that may only tighten. */
  const localConfig: unknown[] = [];

  const optedOut = () => readKey(env.local, StorageKey.OptOut) === '1';

  const siteConfig = () => {
    configRequest ??= env.fetchJson(env.info.configUrl).then(parseGateConfig, (error: unknown) => {
      env.onError(error, 'config');
      return null;
    });
    return configRequest;
  };

  const receiptId = (): string => {
    const stored = readKey(env.local, StorageKey.Receipt);
    const id = receiptFromCmp ?? (stored && CONSENT_RECEIPT_ID_PATTERN.test(stored) ? stored : env.newId());
    writeKey(env.local, StorageKey.Receipt, id);
    return id;
  };

  const boot = async (gen: number): Promise<void> => {
    const signal = env.privacySignal();
    if (signal && !env.info.gpcMayBeIgnored) return;
    const config = await siteConfig();
    if (gen !== generation || !config) return;
    if (config.lawfulBasis === 'consent' && !consent) {
      bootedGeneration = -1; // the legitimate-interest hint was wrong: wait for consent
      return;
    }
    if (signal && config.policy.honourGlobalPrivacyControl) return;
    if (!pageAllowed(env.path(), config.policy.pageAllowList, config.policy.pageDenyList)) return;
    const session = resumeSession(env.session, env.now(), env.newId);
    if (!isSessionSampled(session.id, config.samplingPercent)) return;
    const consentReceiptId = config.lawfulBasis === 'consent' ? receiptId() : undefined;
    const start = await env.loadRecorder();
    if (gen !== generation || optedOut()) return;
    const { siteKey, ingestUrl } = env.info;
    handle = start({
      siteKey,
      ingestUrl,
      config,
      session,
      consentReceiptId,
      consent: consentReceiptId ? decision : undefined,
      consentUrl: env.info.consentUrl,
      localConfig,
      onError: env.onError,
    });
    for (const command of queued.splice(0)) handle.run(command);
  };

  const maybeStart = () => {
    if (handle || bootedGeneration === generation || optedOut()) return;
    bootedGeneration = generation;
    boot(generation).catch((error: unknown) => env.onError(error, 'boot'));
  };

  const stop = () => {
    generation++;
    queued.length = 0;
    const running = handle;
    handle = null;
    try {
      running?.stop();
    } finally {
      clearVeilStorage(env.local);
      clearVeilStorage(env.session);
    }
  };

  /**
   * Stops, and registers the withdrawal when the server may hold something of this visitor (a
   * receipt or a visitor id is stored); a refusal in the built-in banner is counted without any
   * identifier. `optOut`: the server also keeps the visitor id in its opt-out registry.
   */
  const withdraw = (d: ConsentContext, optOut?: true) => {
    const receipt = readKey(env.local, StorageKey.Receipt);
    const visitor = readKey(env.local, StorageKey.Visitor);
    const trace = receipt || visitor;
    if (trace || d.source === 'banner') {
      env.send(env.info.consentUrl, {
        v: 1,
        decision: trace ? 'withdrawn' : 'denied',
        receiptId: receipt ?? undefined,
        visitorId: visitor ?? undefined,
        granted: [],
        denied: [ANALYTICS_CATEGORY],
        optOut,
        // The banner's own hash and language (it is their only sender); nothing else of the page.
        ...(trace ? { source: d.source } : d),
      });
    }
    consent = false;
    receiptFromCmp = decision = undefined;
    stop();
  };

  return {
    command(args) {
      const [name, options] = args;
      const o = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
      if (name === 'consent') {
        const d = decisionOf(o);
        if (o.analytics === true) {
          if (typeof o.receiptId === 'string' && CONSENT_RECEIPT_ID_PATTERN.test(o.receiptId))
            receiptFromCmp = o.receiptId;
          if (!consent) decision = d;
          consent = true;
          maybeStart();
        } else withdraw(d);
      } else if (name === 'optout') {
        // The flag first (stopping clears every other key): a failure below cannot lose the wish.
        writeKey(env.local, StorageKey.OptOut, '1');
        withdraw(decisionOf(o), true);
      } else if (name === 'banner') {
        env.showBanner(true);
      } else if (name === 'config') {
        // Before the recorder starts it tightens the policy; afterwards the recorder stops.
        if (handle) handle.run(args);
        else localConfig.push(options);
      } else if (QUEUED_COMMANDS.includes(name)) {
        if (handle) handle.run(args);
        else if (queued.length < MAX_QUEUED_COMMANDS) queued.push([...args]);
      }
    },
    init() {
      // Under GPC/DNT (honoured) or after an opt-out nothing will be recorded: ask nobody.
      const sources = env.info.consentSources;
      if (!(env.privacySignal() && !env.info.gpcMayBeIgnored) && !optedOut()) {
        // The banner chunk remembers the visitor's answer (`veil:choice`) and asks only once.
        if (sources.includes('banner') && !consent) env.showBanner(false);
        if (sources.some((s) => s !== 'banner')) env.loadCmp();
      }
      if (env.info.legitimateInterestHint) maybeStart();
    },
  };
}
