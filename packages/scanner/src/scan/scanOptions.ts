import type { Browser } from 'playwright-core';
import type { SettleOptions } from '../capture/settle.js';
import type { ScanPhase } from '../report/scanReport.js';
import type { SignatureFile } from '../signatures/signatureSchema.js';

/** One step of a scan, for a progress bar. */
export interface ScanProgress {
  phase: ScanPhase;
  url: string;
  /** Page visits finished so far, over all phases. */
  done: number;
  /** Page visits known so far (grows while the crawl finds pages). */
  total: number;
}

export interface ScanOptions {
  /** Start pages (http or https). */
  urls: string[];
  /**
   * Pages scanned per start URL, the start page included, following same-origin links
   * breadth-first. `1`: only the start pages.
   * @default 1
   */
  crawl: number;
  /** CSS selector of the consent platform's accept button; without it there is no after-accept phase. */
  acceptSelector?: string;
  /** CSS selector of the reject button; without it there is no after-reject phase. */
  rejectSelector?: string;
  /**
   * Pages visited at once (each a tab; Chromium is heavy, keep this small).
   * @default 2
   */
  concurrency: number;
  /**
   * Abort every request to a host that is neither a start page's host nor loopback. The attempt is
   * still recorded and counts as firing; cookies and globals the blocked scripts would set are not.
   * @default false
   */
  offline: boolean;
  /** Chromium executable. @default '/usr/bin/chromium' */
  executablePath: string;
  /** An already running browser (not closed by the scan); otherwise one is launched and closed. */
  browser?: Browser;
  /** The signatures; the bundled file by default. */
  signatures?: SignatureFile;
  /** How long each page is watched. @default { minDwellMs: 1000, quietMs: 500, maxMs: 8000 } */
  settle: SettleOptions;
  /** @default 30000 */
  navigationTimeoutMs: number;
  /** How long a consent button is waited for. @default 10000 */
  clickTimeoutMs: number;
  onProgress?: (progress: ScanProgress) => void;
  /** @default () => new Date() */
  now: () => Date;
}

export const DEFAULT_SCAN_OPTIONS = {
  crawl: 1,
  concurrency: 2,
  offline: false,
  executablePath: '/usr/bin/chromium',
  settle: { minDwellMs: 1_000, quietMs: 500, maxMs: 8_000 },
  navigationTimeoutMs: 30_000,
  clickTimeoutMs: 10_000,
  now: () => new Date(),
} as const satisfies Omit<ScanOptions, 'urls'>;

/** The most pages one start URL may crawl (a guard against a typo of `--crawl 10000`). */
export const MAX_CRAWL_PAGES = 500;
/** The most pages visited at once. */
export const MAX_CONCURRENCY = 8;
