import type { SiteConfig } from './siteConfig.js';

/** What the loader hands the recorder chunk once every gate has passed. */
export interface BootContext {
  siteKey: string;
  /** `…/ingest/v1/batch` on the Veil host the loader came from. */
  ingestUrl: string;
  config: SiteConfig;
  /** The consent receipt of this tab session (absent under legitimate interest). */
  consentReceiptId?: string;
  onError: (error: unknown, where: string) => void;
}

/** The running recorder, driven by the loader. */
export interface RecorderHandle {
  /** One page-API command: `['identify', id]`, `['tag', key, value]`, `['flush']`. */
  run(command: readonly unknown[]): void;
  /** Stops capture and forgets everything unsent (consent withdrawn, opt-out). */
  stop(): void;
}

export type StartRecorder = (ctx: BootContext) => RecorderHandle;

/** `window.veil` once the loader runs: the page API plus the loader's private hooks. */
export interface VeilFunction {
  (...args: unknown[]): void;
  /** Commands queued by the snippet before the loader arrived. */
  q?: ArrayLike<unknown>[];
  /** Set by the loader: a second copy of the loader stands down. */
  loaded?: true;
  /** Set by the loader: the recorder chunk registers its start function here. */
  boot?: (start: StartRecorder) => void;
}

export type VeilWindow = Window & { veil?: VeilFunction };
