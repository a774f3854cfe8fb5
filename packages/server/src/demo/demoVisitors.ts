import type { Page } from 'playwright-core';

/** Pause between a visitor's steps, ms (a person reads before acting). */
const STEP_PAUSE_MS = { min: 150, max: 450 } as const;
/** More than the dead-click window (2 s): a click that nothing answered is counted dead by then. */
export const DEAD_CLICK_SETTLE_MS = 2_300;
/** Less than the quick-back window (5 s): how long a visitor stays on a page they leave at once. */
const QUICK_BACK_STAY_MS = 900;
/** Keystroke delay while typing, ms. */
const TYPING_DELAY_MS = 35;

/** What one scripted visitor did: how many page views, clicks and keystrokes (for progress lines). */
export interface VisitTally {
  pages: number;
  clicks: number;
  keys: number;
}

export interface VisitContext {
  page: Page;
  /** The demo site's root, ending in `/demo/`. */
  demoUrl: string;
  /** Uniform in [0, 1), seeded: the same visitor behaves alike on every run with the same seed. */
  random: () => number;
  tally: VisitTally;
}

/** One kind of scripted visitor. */
export interface DemoPersona {
  name: string;
  /** What the visitor does after consenting on the home page. */
  visit(ctx: VisitContext): Promise<void>;
}

async function pause(ctx: VisitContext, min: number = STEP_PAUSE_MS.min, max: number = STEP_PAUSE_MS.max) {
  await ctx.page.waitForTimeout(Math.round(min + ctx.random() * (max - min)));
}

async function click(ctx: VisitContext, selector: string): Promise<void> {
  await ctx.page.click(selector);
  ctx.tally.clicks++;
}

/** A click that loads another page of the site; waits until its recorder runs again. */
async function navigate(ctx: VisitContext, selector: string): Promise<void> {
  await Promise.all([ctx.page.waitForEvent('load'), click(ctx, selector)]);
  ctx.tally.pages++;
  await recording(ctx.page);
}

/** Resolves once the recorder on the current page has started a segment. */
export async function recording(page: Page): Promise<void> {
  // Strings, not functions: they run in the page, and this package has no DOM types.
  await page.waitForFunction("sessionStorage.getItem('veil:segment') !== null", undefined, {
    timeout: 15_000,
  });
}

async function type(ctx: VisitContext, selector: string, text: string): Promise<void> {
  await ctx.page.click(selector);
  ctx.tally.clicks++;
  await ctx.page.type(selector, text, { delay: TYPING_DELAY_MS });
  ctx.tally.keys += text.length;
}

async function scrollThrough(ctx: VisitContext, stops: readonly number[]): Promise<void> {
  for (const y of stops) {
    await ctx.page.mouse.wheel(0, y - Number(await ctx.page.evaluate('window.scrollY')));
    await pause(ctx, 120, 250);
  }
}

/** Up and down the page, turning around more than four times: excessive scrolling. */
async function searchByScrolling(ctx: VisitContext): Promise<void> {
  for (const y of [900, 100, 1000, 0, 900, 50]) {
    await ctx.page.evaluate(`window.scrollTo(0, ${y})`);
    await ctx.page.waitForTimeout(250);
  }
}

/** Four quick clicks on one spot: a rage click. */
async function rageClick(ctx: VisitContext, selector: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await ctx.page.click(selector, { delay: 20, position: { x: 20 + i * 3, y: 10 } });
    ctx.tally.clicks++;
  }
}

const NAMES = ['Robin Hale', 'Sam Okafor', 'Kim Varga', 'Alex Moreau', 'Jo Lindqvist'];

/** A reader: home, a scroll, the student lookup, back home. */
const reader: DemoPersona = {
  name: 'reader',
  async visit(ctx) {
    await scrollThrough(ctx, [300, 700, 0]);
    await navigate(ctx, '#link-students');
    await pause(ctx);
    await type(ctx, '#student-id', `S-${1000 + Math.floor(ctx.random() * 9000)}`);
    await click(ctx, '#lookup-submit');
    await pause(ctx, 300, 600);
    await scrollThrough(ctx, [400, 0]);
    await navigate(ctx, '.site-nav a[href="../index.html"]');
    await pause(ctx);
  },
};

/** A patient: fills the clinic intake form and submits it. */
const patient: DemoPersona = {
  name: 'patient',
  async visit(ctx) {
    await navigate(ctx, '#start-intake');
    const name = NAMES[Math.floor(ctx.random() * NAMES.length)] ?? 'Robin Hale';
    await type(ctx, '#full-name', name);
    await pause(ctx);
    await type(ctx, '#email', `${name.split(' ')[0]?.toLowerCase() ?? 'robin'}@example.org`);
    await type(ctx, '#phone', '+1 555 0100');
    await pause(ctx);
    await ctx.page.selectOption('#clinic-location', { index: 1 + Math.floor(ctx.random() * 2) });
    await scrollThrough(ctx, [500, 900]);
    await navigate(ctx, '#intake-submit');
    await pause(ctx);
  },
};

/** A supplier hitting the broken delivery-slot button: dead, error and rage clicks, a failed request. */
const frustratedSupplier: DemoPersona = {
  name: 'frustrated supplier',
  async visit(ctx) {
    await navigate(ctx, '#link-suppliers');
    await type(ctx, '#company', 'Northwind Pallets');
    await pause(ctx);
    await ctx.page.locator('#check-slots').scrollIntoViewIfNeeded();
    await click(ctx, '#check-slots');
    await ctx.page.waitForTimeout(DEAD_CLICK_SETTLE_MS);
    await rageClick(ctx, '#check-slots');
    await ctx.page.waitForTimeout(DEAD_CLICK_SETTLE_MS);
    await searchByScrolling(ctx);
    await pause(ctx);
  },
};

/** A visitor who opens a page and goes straight back (a quick back), then tries another. */
const quickBack: DemoPersona = {
  name: 'quick back',
  async visit(ctx) {
    await navigate(ctx, '#link-clinic');
    await ctx.page.waitForTimeout(QUICK_BACK_STAY_MS);
    await Promise.all([ctx.page.waitForEvent('load'), ctx.page.goBack()]);
    ctx.tally.pages++;
    await recording(ctx.page);
    await pause(ctx, 400, 800);
    await navigate(ctx, '#link-suppliers');
    await pause(ctx, 400, 800);
  },
};

/** A lost visitor: scrolls up and down, clicks the headline again and again. */
const lost: DemoPersona = {
  name: 'lost',
  async visit(ctx) {
    await ctx.page.setViewportSize({ width: ctx.page.viewportSize()?.width ?? 1280, height: 420 });
    await searchByScrolling(ctx);
    await ctx.page.evaluate('window.scrollTo(0, 0)');
    await rageClick(ctx, '.hero h1');
    await pause(ctx);
    await navigate(ctx, '#link-students');
    await pause(ctx, 400, 800);
  },
};

/**
 * The scripted visitors, in the order `veil demo` cycles through them (so that a handful of
 * sessions already shows every kind of visit and every frustration signal).
 */
export const DEMO_PERSONAS: readonly DemoPersona[] = [frustratedSupplier, patient, quickBack, reader, lost];
