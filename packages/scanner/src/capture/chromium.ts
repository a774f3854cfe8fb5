import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium unless `VEIL_CHROMIUM_PATH` names another. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, quiet, no background traffic of Chromium's own that could be mistaken for the page's. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium; each `browser.newContext()` is then a fresh profile. */
export function launchScanBrowser(executablePath: string = DEFAULT_CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS], headless: true });
}
