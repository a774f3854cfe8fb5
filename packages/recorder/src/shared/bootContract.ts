import type { ConsentSource, detectorsModule, redactTextModule } from '@veil/core';
import type { SessionState } from './sessionState.js';
import type { SiteConfig } from './siteConfig.js';

/** What the loader hands the recorder chunk once every gate has passed. */
export interface BootContext {
  siteKey: string;
  /** `…/ingest/v1/batch` on the Veil host the loader came from. */
  ingestUrl: string;
  config: SiteConfig;
  /**
   * The tab's session as the loader resumed it and found in the sample (`resumeSession`,
   * `isSessionSampled`): the recorder records under this id.
   */
  session?: SessionState;
  /** The consent receipt of the visitor's grant (absent under legitimate interest). */
  consentReceiptId?: string;
  /** How the grant was given; the recorder registers it with the server before sending batches. */
  consent?: ConsentContext;
  /** `…/r/v1/sites/{siteKey}/consent` on the Veil host. */
  consentUrl?: string;
  /**
   * The page's `veil('config', …)` objects, unchecked, in call order: each may only tighten the
   * server's policy (`bootRecorder` checks them and applies `tightenPolicy`).
   */
  localConfig?: readonly unknown[];
  onError: (error: unknown, where: string) => void;
}

/** The decision behind a grant, as the consent receipt records it. */
export interface ConsentContext {
  source: ConsentSource;
  /** SHA-256 (hex) of the built-in banner's text, when the banner asked. */
  bannerTextHash?: string;
  /** The banner's language. */
  language?: string;
}

/** The running recorder, driven by the loader. */
export interface RecorderHandle {
  /**
   * One page-API command: `['identify', id]`, `['tag', key, value]`, `['flush']`; a `['config', …]`
   * after the start stops capture (a tightening that came too late is not ignored silently).
   */
  run(command: readonly unknown[]): void;
  /** Stops capture and forgets everything unsent (consent withdrawn, opt-out). */
  stop(): void;
}

/**
 * What the loader hands over: the config has passed the loader's gates only (`parseGateConfig`);
 * the recorder chunk checks the rest before it starts (`bootRecorder`).
 */
export type LoaderBootContext = Omit<BootContext, 'config'> & { config: unknown };

export type StartRecorder = (ctx: LoaderBootContext) => RecorderHandle;

/** `window.veil` once the loader runs: the page API plus the loader's private hooks. */
export interface VeilFunction {
  (...args: unknown[]): void;
  /** Commands queued by the snippet before the loader arrived. */
  q?: ArrayLike<unknown>[];
  /** Set by the loader: a second copy of the loader stands down. */
  loaded?: true;
  /** Set by the loader: the recorder chunk registers its start function here. */
  boot?: (start: StartRecorder) => void;
  /** Set by the banner chunk once loaded: asks (`open`: even when the visitor answered before). */
  banner?: (open: boolean) => void;
  /** Set by the loader before the banner chunk loads: a `veil('banner')` is waiting. */
  bannerOpen?: boolean;
  /** Set by the recorder chunk: a further chunk (`layout.js`) registers its exports here. */
  chunk?: (name: string, exports: unknown) => void;
  /**
   * Set by the recorder chunk: core's detector modules, which `redact.js` is built without and
   * takes from here (`build.mjs`), so the page does not load them twice.
   */
  shared?: SharedCoreModules;
}

export type VeilWindow = Window & { veil?: VeilFunction };

/** What `recorder.js` shares with its chunks (`VeilFunction.shared`). */
export interface SharedCoreModules {
  detectors: typeof detectorsModule;
  redactText: typeof redactTextModule;
}
