import { pageAllowed } from '@veil/core';
import type { RecorderHandle, StartRecorder } from '../shared/bootContract.js';
import { URL_SAFE_ID } from '../shared/randomId.js';
import { parseSiteConfig, type SiteConfig } from '../shared/siteConfig.js';
import { clearVeilStorage, type KeyValueStorage, readKey, writeKey } from '../shared/storage.js';
import { StorageKey } from '../shared/storageKeys.js';
import type { ScriptInfo } from './scriptInfo.js';

/** Page commands kept while the recorder is not running (identify, tag, flush). */
export const MAX_QUEUED_COMMANDS = 100;

/** Everything the loader touches in the page, injected so its gates are unit-testable. */
export interface LoaderEnv {
  info: Pick<
    ScriptInfo,
    'siteKey' | 'configUrl' | 'ingestUrl' | 'legitimateInterestHint' | 'gpcMayBeIgnored'
  >;
  local: KeyValueStorage | null;
  session: KeyValueStorage | null;
  /** GPC or DNT is set. */
  privacySignal(): boolean;
  /** `location.pathname` */
  path(): string;
  random(): number;
  newId(): string;
  fetchJson(url: string): Promise<unknown>;
  /** Injects `recorder.js` once and resolves with its start function. */
  loadRecorder(): Promise<StartRecorder>;
  onError(error: unknown, where: string): void;
}

export interface Loader {
  /** One page-API call: `['consent', {analytics}]`, `['optout']`, `['identify', id]`, … */
  command(args: readonly unknown[]): void;
  /** After the snippet's queue ran: starts at once when the snippet declares legitimate interest. */
  init(): void;
}

const RECEIPT_ID = /^[\w.:-]{1,128}$/;

/**
 * The consent gate. Until a lawful basis exists it only reads (the opt-out flag, the session's
 * sampling decision): no request, no storage write, no recorder. Then, in order: GPC/DNT, the
 * site config (none → nothing recorded), lawful basis, page allow/deny lists, sampling, and only
 * then the recorder chunk. Withdrawal and opt-out stop the recorder and clear Veil's storage.
 */
export function createLoader(env: LoaderEnv): Loader {
  let consent = false;
  let receiptFromCmp: string | undefined;
  /** Bumped by every stop: a boot that started before it stands down. */
  let generation = 0;
  let bootedGeneration = -1;
  let handle: RecorderHandle | null = null;
  let configRequest: Promise<SiteConfig | null> | null = null;
  const queued: unknown[][] = [];

  const optedOut = () => readKey(env.local, StorageKey.OptOut) === '1';

  const siteConfig = () => {
    configRequest ??= env.fetchJson(env.info.configUrl).then(parseSiteConfig, (error: unknown) => {
      env.onError(error, 'config');
      return null;
    });
    return configRequest;
  };

  const sampledIn = (percent: number): boolean => {
    const stored = readKey(env.session, StorageKey.Sampled);
    if (stored === '1' || stored === '0') return stored === '1';
    const inSample = env.random() * 100 < percent;
    writeKey(env.session, StorageKey.Sampled, inSample ? '1' : '0');
    return inSample;
  };

  const receiptId = (): string => {
    const stored = readKey(env.session, StorageKey.Receipt);
    const id = receiptFromCmp ?? (stored && URL_SAFE_ID.test(stored) ? stored : env.newId());
    writeKey(env.session, StorageKey.Receipt, id);
    return id;
  };

  const boot = async (gen: number): Promise<void> => {
    const signal = env.privacySignal();
    if (signal && !env.info.gpcMayBeIgnored) return;
    if (readKey(env.session, StorageKey.Sampled) === '0') return;
    const config = await siteConfig();
    if (gen !== generation || !config) return;
    if (config.lawfulBasis === 'consent' && !consent) {
      bootedGeneration = -1; // the legitimate-interest hint was wrong: wait for consent
      return;
    }
    if (signal && config.policy.honourGlobalPrivacyControl) return;
    if (!pageAllowed(env.path(), config.policy.pageAllowList, config.policy.pageDenyList)) return;
    if (!sampledIn(config.samplingPercent)) return;
    const consentReceiptId = config.lawfulBasis === 'consent' ? receiptId() : undefined;
    const start = await env.loadRecorder();
    if (gen !== generation || optedOut()) return;
    const { siteKey, ingestUrl } = env.info;
    handle = start({ siteKey, ingestUrl, config, consentReceiptId, onError: env.onError });
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

  return {
    command(args) {
      const [name, options] = args;
      if (name === 'consent') {
        const o = typeof options === 'object' && options !== null ? (options as Record<string, unknown>) : {};
        if (o.analytics === true) {
          if (typeof o.receiptId === 'string' && RECEIPT_ID.test(o.receiptId)) receiptFromCmp = o.receiptId;
          consent = true;
          maybeStart();
        } else {
          consent = false;
          receiptFromCmp = undefined;
          stop();
        }
      } else if (name === 'optout') {
        consent = false;
        stop();
        writeKey(env.local, StorageKey.OptOut, '1');
      } else if (name === 'identify' || name === 'tag' || name === 'flush') {
        if (handle) handle.run(args);
        else if (queued.length < MAX_QUEUED_COMMANDS) queued.push([...args]);
      }
    },
    init() {
      if (env.info.legitimateInterestHint) maybeStart();
    },
  };
}
