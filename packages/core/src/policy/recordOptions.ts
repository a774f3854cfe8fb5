import { compileServedPatterns, type Detector } from '../detectors/detectors.js';
import { maskPreservingLayout, redactText } from '../detectors/redactText.js';
import {
  BLOCK_SELECTORS,
  FAIL_CLOSED_BLOCK_SELECTORS,
  isNeverCapturedInputType,
  MASK_TEXT_SELECTORS,
  MASKED_INPUT_VALUE,
  NEVER_CAPTURED_INPUT_TYPES,
  UNMASK_SELECTORS,
} from './captureSelectors.js';
import type { PrivacyPolicy } from './privacyPolicy.js';

/** The policy fields `recordPrivacyOptions` reads (the browser SDK holds only these, without zod). */
export type RecordOptionsPolicy = Pick<PrivacyPolicy, 'blockSelectors' | 'allowIframes'>;

/** The policy fields whose selectors `usableSelectors` checks. */
export type SelectorPolicy = Pick<
  PrivacyPolicy,
  'blockSelectors' | 'maskTextSelectors' | 'unmaskSelectors' | 'allowIframes' | 'maskAllText'
>;

/** True when the browser can use `selector` (the recorder asks the browser's own parser). */
export type SelectorCheck = (selector: string) => boolean;

/** What `usableSelectors` decided: the policy to record with, and the selectors it refused. */
export interface UsableSelectors<P extends SelectorPolicy> {
  policy: P;
  refused: string[];
  /** A block or mask selector was refused: the strictest fallback is in force. */
  failClosed: boolean;
}

/**
 * Fails closed on selectors the browser cannot use. Joined into one selector list, one bad entry
 * would make the whole list throw, and rrweb reads a throwing match as "not blocked". Each
 * selector is checked alone and a refused one is left out of the lists, so it cannot unblock the
 * others; and since what a refused block or mask selector was meant to cover is unknown, that
 * case records with the strictest fallback: all text and text-bearing attributes masked
 * (`maskAllText`), form fields blocked, no iframe allowed, nothing unmasked. A refused unmask or
 * iframe selector only loosened: it is dropped. A check that throws counts as a refusal.
 */
export function usableSelectors<P extends SelectorPolicy>(
  policy: P,
  isUsable: SelectorCheck,
): UsableSelectors<P> {
  const refused: string[] = [];
  const keep = (list: readonly string[], wrap: (s: string) => string = (s) => s) =>
    list.filter((s) => {
      let ok = false;
      try {
        ok = isUsable(wrap(s));
      } catch {
        ok = false;
      }
      if (!ok) refused.push(s);
      return ok;
    });
  const blockSelectors = keep(policy.blockSelectors);
  const maskTextSelectors = keep(policy.maskTextSelectors);
  const failClosed = refused.length > 0;
  const unmaskSelectors = keep(policy.unmaskSelectors);
  // Checked where it is used: inside `iframe:not(…)`.
  const allowIframes = keep(policy.allowIframes, (s) => `iframe:not(${s})`);
  if (!failClosed)
    return {
      policy: { ...policy, blockSelectors, maskTextSelectors, unmaskSelectors, allowIframes },
      refused,
      failClosed,
    };
  return {
    policy: {
      ...policy,
      blockSelectors: [...blockSelectors, ...FAIL_CLOSED_BLOCK_SELECTORS],
      maskTextSelectors,
      unmaskSelectors: [],
      allowIframes: [],
      maskAllText: true,
    },
    refused,
    failClosed,
  };
}

/** The policy fields `createMaskers` reads. */
export type MaskersPolicy = Pick<
  PrivacyPolicy,
  'customPatterns' | 'maskTextSelectors' | 'unmaskSelectors' | 'maskAllText'
>;

/** The serialisable part of rrweb `record()` options that carries Veil's privacy decisions. */
export interface RecordPrivacyOptions {
  blockSelector: string;
  /** `*`: every text node goes through `maskTextFn`, which decides (mask, PII-redact, keep). */
  maskTextSelector: string;
  maskAllInputs: true;
  maskInputOptions: Readonly<Record<string, true>>;
  recordCanvas: false;
  recordCrossOriginIframes: false;
  collectFonts: false;
  inlineImages: false;
  inlineStylesheet: true;
  slimDOMOptions: Readonly<Record<string, true>>;
  sampling: { mousemove: number; scroll: number; input: 'last' };
}

const ALL_INPUT_TYPES = [
  'color',
  'date',
  'datetime-local',
  'email',
  'month',
  'number',
  'range',
  'search',
  'tel',
  'text',
  'time',
  'url',
  'week',
  'textarea',
  'select',
  'password',
] as const;

/**
 * Every block selector joined: Veil's and the vendors' markup, frames and media, the policy's own.
 * Frames the policy allows (`allowIframes`) are left out of the frame selectors.
 */
export function blockSelectorOf(policy: RecordOptionsPolicy): string {
  const allowed = policy.allowIframes.length > 0 ? `iframe:not(${policy.allowIframes.join(', ')})` : 'iframe';
  return [...BLOCK_SELECTORS.map((s) => (s === 'iframe' ? allowed : s)), ...policy.blockSelectors].join(', ');
}

/**
 * Policy → rrweb options. Pure and pinned by a test: every input type is masked (password is
 * merged back in explicitly, since a caller's `maskInputOptions` replaces rrweb's own), media and
 * frames are blocked, fonts and canvas are never collected.
 */
export function recordPrivacyOptions(policy: RecordOptionsPolicy): RecordPrivacyOptions {
  const maskInputOptions: Record<string, true> = {};
  for (const t of ALL_INPUT_TYPES) maskInputOptions[t] = true;
  for (const t of NEVER_CAPTURED_INPUT_TYPES) maskInputOptions[t] = true;
  return {
    blockSelector: blockSelectorOf(policy),
    maskTextSelector: '*',
    maskAllInputs: true,
    maskInputOptions,
    recordCanvas: false,
    recordCrossOriginIframes: false,
    collectFonts: false,
    inlineImages: false,
    inlineStylesheet: true,
    slimDOMOptions: {
      script: true,
      comment: true,
      headFavicon: true,
      headWhitespace: true,
      headMetaSocial: true,
      headMetaRobots: true,
      headMetaHttpEquiv: true,
      headMetaAuthorship: true,
      headMetaVerification: true,
    },
    sampling: { mousemove: 50, scroll: 150, input: 'last' },
  };
}

/** What the maskers need of a DOM element (structural, so core needs no DOM at run time). */
export interface MaskableElement {
  readonly tagName: string;
  closest(selector: string): unknown;
  getAttribute(name: string): string | null;
  /** The shadow root or document the element is in (absent: no shadow roots or frames). */
  getRootNode?(): unknown;
}

/** An element `matchesAcrossRoots` can climb one element at a time (a DOM `Element` is one). */
export interface ClimbableElement {
  matches(selector: string): boolean;
  readonly parentElement: ClimbableElement | null;
  getRootNode(): unknown;
}

/** Most shadow roots and frames `closestAcrossRoots` climbs out of. */
const MAX_ROOT_HOPS = 32;

/** The root's host: a shadow root's host, or a same-origin document's frame element. */
function hostOf(root: unknown): unknown {
  const r = root as { host?: unknown; defaultView?: { frameElement?: unknown } | null } | undefined;
  return r?.host ?? r?.defaultView?.frameElement ?? null;
}

/**
 * `element.closest(selector)`, continued through shadow hosts and frame elements: a mask or a
 * block on a shadow host (or on an allowed iframe) reaches the content inside. Throws when the
 * selector does (the caller fails closed).
 */
export function closestAcrossRoots(element: MaskableElement | null, selector: string): boolean {
  let el: MaskableElement | null = element;
  for (let hops = 0; el && hops < MAX_ROOT_HOPS; hops++) {
    if (el.closest(selector)) return true;
    el = hostOf(el.getRootNode?.()) as MaskableElement | null;
  }
  return false;
}

/**
 * `closestAcrossRoots`, one `matches` per element instead of one `closest` per question: `known`
 * remembers the answer of every element climbed, so questions about nodes that share ancestors
 * (a mutation's hundreds of added nodes, a snapshot's text nodes) match each element once. The
 * caller keeps `known` only while the DOM cannot change (one synchronous pass). Beyond
 * `MAX_ROOT_HOPS` roots the answer is false and nothing is remembered, as `closestAcrossRoots`.
 * Throws when the selector does (the caller fails closed).
 */
export function matchesAcrossRoots<E extends ClimbableElement>(
  start: E,
  selector: string,
  known: Map<E, boolean>,
): boolean {
  const climbed: E[] = [];
  let found = false;
  let roots = 1;
  for (let el: E | null = start; el; ) {
    const answer = known.get(el);
    if (answer !== undefined) {
      found = answer;
      break;
    }
    climbed.push(el);
    if (el.matches(selector)) {
      found = true;
      break;
    }
    const parent = el.parentElement as E | null;
    if (parent) {
      el = parent;
      continue;
    }
    if (roots >= MAX_ROOT_HOPS) return false;
    roots++;
    el = hostOf(el.getRootNode()) as E | null;
  }
  for (const el of climbed) known.set(el, found);
  return found;
}

/**
 * Answers of `matchesAcrossRoots` kept for the current synchronous pass only: emptied in a
 * microtask queued at the first answer. rrweb asks its mask questions while it serialises a
 * snapshot or a batch of mutations, synchronously; the page's code cannot run, so cannot change a
 * class or move an element, before that microtask (a change the page makes later reaches rrweb
 * through a MutationObserver callback, a microtask queued after this one).
 */
function passMemo(): <E extends ClimbableElement>(element: E, selector: string) => boolean {
  let known: Map<ClimbableElement, boolean> | null = null;
  return (element, selector) => {
    if (known === null) {
      known = new Map();
      queueMicrotask(() => {
        known = null;
      });
    }
    return matchesAcrossRoots<ClimbableElement>(element, selector, known);
  };
}

/** The element climbable one element at a time (a DOM element), else null. */
function climbable(element: MaskableElement): ClimbableElement | null {
  const e = element as Partial<ClimbableElement>;
  return typeof e.matches === 'function' && typeof e.getRootNode === 'function' && 'parentElement' in e
    ? (element as unknown as ClimbableElement)
    : null;
}

export interface Maskers {
  /** rrweb `maskInputFn`: fixed-length mask unless the input is explicitly unmasked (then PII-redacted). */
  maskInputFn(text: string, element: MaskableElement | null): string;
  /** rrweb `maskTextFn`: same-length mask in masked regions, detected PII masked everywhere else. */
  maskTextFn(text: string, element: MaskableElement | null): string;
}

const SENSITIVE_AUTOCOMPLETE = /^(?:current-password|new-password|one-time-code|cc-)/;

/** Builds rrweb's mask callbacks from a policy. Any error while deciding masks (fails closed). */
export function createMaskers(policy: MaskersPolicy): Maskers {
  const custom: Detector[] = compileServedPatterns(policy.customPatterns);
  const maskSelector = [...MASK_TEXT_SELECTORS, ...policy.maskTextSelectors].join(', ');
  const unmaskSelector = [...UNMASK_SELECTORS, ...policy.unmaskSelectors].join(', ');
  const inMaskPass = passMemo();
  /** Under a mask selector, across roots; each element matched once per synchronous pass. */
  const masked = (element: MaskableElement | null): boolean => {
    if (!element) return false;
    const el = typeof queueMicrotask === 'function' ? climbable(element) : null;
    return el ? inMaskPass(el, maskSelector) : closestAcrossRoots(element, maskSelector);
  };
  return {
    maskInputFn(text, element) {
      if (text === '') return '';
      try {
        if (!element || policy.maskAllText) return MASKED_INPUT_VALUE;
        const autocomplete = (element.getAttribute('autocomplete') ?? '').toLowerCase();
        if (
          isNeverCapturedInputType(element.getAttribute('type')) ||
          SENSITIVE_AUTOCOMPLETE.test(autocomplete)
        )
          return MASKED_INPUT_VALUE;
        if (masked(element)) return MASKED_INPUT_VALUE;
        if (unmaskSelector && element.closest(unmaskSelector)) return redactText(text, custom).text;
        return MASKED_INPUT_VALUE;
      } catch {
        return MASKED_INPUT_VALUE;
      }
    },
    maskTextFn(text, element) {
      try {
        if (element && (element.tagName === 'STYLE' || element.tagName === 'style')) return text;
        if (policy.maskAllText) return maskPreservingLayout(text);
        if (masked(element)) return maskPreservingLayout(text);
        return redactText(text, custom).text;
      } catch {
        return maskPreservingLayout(text);
      }
    },
  };
}
