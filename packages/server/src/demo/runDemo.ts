import { type DeviceClass, deviceClassForWidth } from '@veil/core';
import type { Browser, BrowserContext } from 'playwright-core';
import { DEMO_PERSONAS, type DemoPersona, recording, type VisitTally } from './demoVisitors.js';
import { seededRandom } from './seededRandom.js';

/** Most sessions one `veil demo` run records. */
export const MAX_DEMO_SESSIONS = 500;
/** Most visitors driven at once. */
export const MAX_DEMO_CONCURRENCY = 8;
/** How long a visitor waits for the server to acknowledge its last batch, ms. */
const FLUSH_TIMEOUT_MS = 15_000;

/** What a person's Chromium says it is (the headless build names itself in its user agent). */
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36';
/**
 * Chromium flags of the demo's browser. `--user-agent`: a context's user agent (set per device
 * below) does not reach keepalive requests, which the browser process sends itself, and the
 * recorder sends its batches that way; without the flag they said `HeadlessChrome` and every demo
 * visitor was left out of heatmaps as a bot.
 */
export const DEMO_BROWSER_ARGS: readonly string[] = [
  `--user-agent=${DESKTOP_UA}`,
  // Counted as people: Veil leaves automated browsers out of heatmaps.
  '--disable-blink-features=AutomationControlled',
];
const MOBILE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Mobile Safari/537.36';

/** A demo visitor's browser: its window and user agent, and the plan tag it sets. */
interface DemoDevice {
  width: number;
  height: number;
  ua: string;
  plan: 'pro' | 'free';
}

/**
 * The devices of each device class (`deviceClassForWidth`), alternated within a class: two desktop
 * window sizes, so that positions inside elements differ between visitors.
 */
const DEVICES_BY_CLASS: Readonly<Record<DeviceClass, readonly DemoDevice[]>> = {
  desktop: [
    { width: 1280, height: 800, ua: DESKTOP_UA, plan: 'pro' },
    { width: 1440, height: 900, ua: DESKTOP_UA, plan: 'free' },
  ],
  tablet: [{ width: 820, height: 1000, ua: MOBILE_UA, plan: 'pro' }],
  mobile: [{ width: 390, height: 780, ua: MOBILE_UA, plan: 'free' }],
};

/**
 * The device of visitor `index` (from 0): the classes take turns by rounds of the personas (every
 * persona on every class), and each class alternates its devices.
 */
export function demoDevice(index: number, classes: readonly DeviceClass[]): DemoDevice {
  const round = Math.floor(index / DEMO_PERSONAS.length);
  const deviceClass = classes[round % classes.length] ?? 'desktop';
  const devices = DEVICES_BY_CLASS[deviceClass];
  return devices[Math.floor(round / classes.length) % devices.length] ?? DEVICES_BY_CLASS.desktop[0]!;
}

export interface DemoOptions {
  /** The Veil server's base URL (`http://127.0.0.1:8080`); the demo site is at `/demo/`. */
  baseUrl: string;
  sessions: number;
  concurrency: number;
  seed: number;
  /** The device classes visitors come with, taking turns by rounds of the personas. */
  devices: readonly DeviceClass[];
  /** Launches the browser (headless Chromium). */
  launch: () => Promise<Browser>;
  /** Called when a visitor is done (or failed). */
  onProgress?: (p: DemoProgress) => void;
}

export interface DemoProgress {
  index: number;
  total: number;
  persona: string;
  device: string;
  tally: VisitTally;
  ms: number;
  error?: string;
}

export interface DemoRunResult {
  recorded: number;
  /** Visitors recorded per device class (a heatmap's minimum cohort counts visitors per class). */
  recordedByDevice: Record<DeviceClass, number>;
  failed: number;
  ms: number;
}

export { seededRandom } from './seededRandom.js';

async function personContext(browser: Browser, device: DemoDevice): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: device.width, height: device.height },
    userAgent: device.ua,
  });
  // Veil leaves automated browsers out of heatmaps; demo visitors are meant to be counted.
  await context.addInitScript(
    "Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });",
  );
  return context;
}

/** One visitor: consents on the home page, acts out its persona, flushes, leaves. */
async function visit(
  browser: Browser,
  demoUrl: string,
  persona: DemoPersona,
  device: DemoDevice,
  random: () => number,
  tally: VisitTally,
): Promise<void> {
  const context = await personContext(browser, device);
  try {
    const page = await context.newPage();
    const recorder = page.waitForResponse((r) => r.url().includes('/r/v1/recorder.js'), { timeout: 15_000 });
    await page.goto(demoUrl);
    tally.pages++;
    await page.click('#consent-accept');
    tally.clicks++;
    await recorder;
    await recording(page);
    // A custom tag, as a site would set one: segments and erasure by tag have something to use.
    await page.evaluate(`window.veil('tag', 'plan', ${JSON.stringify(device.plan)})`);
    await persona.visit({ page, demoUrl, random, tally });
    const sent = page.waitForResponse((r) => r.url().endsWith('/ingest/v1/batch') && r.status() === 202, {
      timeout: FLUSH_TIMEOUT_MS,
    });
    await page.evaluate("window.veil('flush')");
    await sent;
  } finally {
    await context.close();
  }
}

/**
 * Drives the demo site with `sessions` scripted visitors, `concurrency` at a time, personas and
 * devices cycled so that a few sessions already show every signal. Every visitor is a fresh
 * browser profile: one session each.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRunResult> {
  const started = Date.now();
  const demoUrl = new URL('/demo/', options.baseUrl).toString();
  const browser = await options.launch();
  let next = 0;
  let recorded = 0;
  const recordedByDevice: Record<DeviceClass, number> = { desktop: 0, tablet: 0, mobile: 0 };
  let failed = 0;
  const worker = async () => {
    for (let index = next++; index < options.sessions; index = next++) {
      const persona = DEMO_PERSONAS[index % DEMO_PERSONAS.length] as DemoPersona;
      const device = demoDevice(index, options.devices);
      const tally: VisitTally = { pages: 0, clicks: 0, keys: 0 };
      const at = Date.now();
      let error: string | undefined;
      try {
        await visit(browser, demoUrl, persona, device, seededRandom(options.seed + index), tally);
        recorded++;
        recordedByDevice[deviceClassForWidth(device.width)]++;
      } catch (e) {
        failed++;
        error = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
      }
      options.onProgress?.({
        index: index + 1,
        total: options.sessions,
        persona: persona.name,
        device: `${deviceClassForWidth(device.width)} ${device.width}px`,
        tally,
        ms: Date.now() - at,
        ...(error === undefined ? {} : { error }),
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.sessions) }, worker));
  } finally {
    await browser.close();
  }
  return { recorded, recordedByDevice, failed, ms: Date.now() - started };
}
