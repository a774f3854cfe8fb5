import type { BannerTexts } from '@veil/core';
import { BANNER_CSS } from './bannerStyles.js';

/** What the visitor chose: `true` grants the analytics category, `false` refuses it. */
export type BannerDecision = (analytics: boolean) => void;

export interface RenderBannerOptions {
  texts: BannerTexts;
  /** BCP 47 tag of the texts (the banner's `lang`). */
  language: string;
  decide: BannerDecision;
  /** CSP nonce for the fallback `<style>` element (browsers without constructable stylesheets). */
  nonce?: string;
}

/**
 * Renders the consent banner into a shadow root at the end of `<body>`: a non-modal dialog
 * (`role="dialog"`, labelled by its heading and text) with Accept, Reject and Choose on the first
 * layer, and the categories (unticked) with Save, Accept and Reject on the second. Everything is
 * a native button, checkbox or link, so keyboard and screen readers work as on any form; the
 * banner takes focus when it opens, Escape leaves the second layer, and focus returns to where
 * it was when it closes. Texts are set as text, never as HTML. Returns a function that removes it.
 */
export function renderBanner(doc: Document, options: RenderBannerOptions): () => void {
  const { texts } = options;
  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    text?: string,
    attrs?: Record<string, string>,
  ) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
    return node;
  };

  const host = el('div', undefined, { 'data-veil': 'block', class: 'veil-block', id: 'veil-consent-banner' });
  const root = host.attachShadow({ mode: 'open' });
  if (
    'adoptedStyleSheets' in root &&
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(BANNER_CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = el('style', BANNER_CSS);
    if (options.nonce) style.nonce = options.nonce;
    root.append(style);
  }

  const dialog = el('section', undefined, {
    class: 'b',
    role: 'dialog',
    'aria-modal': 'false',
    'aria-labelledby': 'veil-t',
    'aria-describedby': 'veil-d',
    tabindex: '-1',
    lang: options.language,
  });
  dialog.append(el('h2', texts.title, { id: 'veil-t' }), el('p', texts.body, { id: 'veil-d' }));
  if (texts.privacyUrl) {
    const link = el('a', texts.privacyLinkLabel, {
      href: texts.privacyUrl,
      target: '_blank',
      rel: 'noopener',
    });
    const p = el('p');
    p.append(link);
    dialog.append(p);
  }

  const button = (text: string, onClick: () => void) => {
    const b = el('button', text, { type: 'button' });
    b.addEventListener('click', onClick);
    return b;
  };

  const previousFocus = doc.activeElement instanceof HTMLElement ? doc.activeElement : null;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    host.remove();
    if (previousFocus?.isConnected) previousFocus.focus();
  };
  const decide = (analytics: boolean) => {
    close();
    options.decide(analytics);
  };

  const first = el('div', undefined, { class: 'row' });
  const second = el('div', undefined, { hidden: '' });
  const checkbox = el('input', undefined, {
    type: 'checkbox',
    id: 'veil-analytics',
    'aria-describedby': 'veil-ad',
  });
  const label = el('label', undefined, { for: 'veil-analytics' });
  label.append(checkbox, doc.createTextNode(texts.analyticsLabel));
  const chooseButton = button(texts.settings, () => {
    first.hidden = true;
    second.hidden = false;
    checkbox.focus();
  });
  first.append(
    button(texts.accept, () => decide(true)),
    button(texts.reject, () => decide(false)),
    chooseButton,
  );
  const secondRow = el('div', undefined, { class: 'row' });
  secondRow.append(
    button(texts.save, () => decide(checkbox.checked)),
    button(texts.accept, () => decide(true)),
    button(texts.reject, () => decide(false)),
  );
  second.append(
    el('h3', texts.settingsTitle),
    label,
    el('p', texts.analyticsDescription, { class: 'd', id: 'veil-ad' }),
    secondRow,
  );
  dialog.append(first, second);
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !second.hidden) {
      second.hidden = true;
      first.hidden = false;
      chooseButton.focus();
    }
  });

  root.append(dialog);
  (doc.body ?? doc.documentElement).append(host);
  dialog.focus({ preventScroll: true });
  return close;
}
