import { sha256Hex } from './sha256.js';

/** What the built-in consent banner says. Every field is plain text (never HTML). */
export interface BannerTexts {
  /** The banner's heading. */
  title: string;
  /** What is recorded, why, for how long, and that refusing changes nothing else on the site. */
  body: string;
  /** Button: grant every category. */
  accept: string;
  /** Button: refuse every category; as prominent as `accept`. */
  reject: string;
  /** Button: show the categories one by one. */
  settings: string;
  /** Button on the category layer: keep the boxes as ticked. */
  save: string;
  /** Heading of the category layer. */
  settingsTitle: string;
  /** The analytics category (the only one Veil records under). */
  analyticsLabel: string;
  analyticsDescription: string;
  /** Link to the site's privacy notice; shown when `privacyUrl` is set. */
  privacyLinkLabel: string;
  /** The site's privacy notice (http(s) URL); empty for none. */
  privacyUrl: string;
}

export const BANNER_LANGUAGES = ['en', 'de', 'fr'] as const;
export type BannerLanguage = (typeof BANNER_LANGUAGES)[number];

/** Veil's own wording; a site replaces any field per language (dashboard, `PUT …/banner`). */
export const DEFAULT_BANNER_TEXTS: Readonly<Record<BannerLanguage, Readonly<BannerTexts>>> = {
  en: {
    title: 'Help us improve this site',
    body:
      'With your consent we record how you use this site (clicks, scrolling, page changes) to find ' +
      'and fix problems. Everything you type is masked before it leaves your browser, and recordings ' +
      'are deleted after a fixed period. Refusing changes nothing else on this site, and you can ' +
      'change your mind at any time.',
    accept: 'Accept',
    reject: 'Reject',
    settings: 'Choose',
    save: 'Save choices',
    settingsTitle: 'Your choices',
    analyticsLabel: 'Session recordings and heatmaps',
    analyticsDescription:
      'Records clicks, scrolling and page changes with typed values masked, to improve the site.',
    privacyLinkLabel: 'Privacy notice',
    privacyUrl: '',
  },
  de: {
    title: 'Helfen Sie uns, diese Website zu verbessern',
    body:
      'Mit Ihrer Einwilligung zeichnen wir auf, wie Sie diese Website nutzen (Klicks, Scrollen, ' +
      'Seitenwechsel), um Fehler zu finden und zu beheben. Alles, was Sie eingeben, wird maskiert, ' +
      'bevor es Ihren Browser verlässt, und Aufzeichnungen werden nach einer festen Frist gelöscht. ' +
      'Eine Ablehnung ändert sonst nichts an dieser Website, und Sie können Ihre Wahl jederzeit ändern.',
    accept: 'Akzeptieren',
    reject: 'Ablehnen',
    settings: 'Auswählen',
    save: 'Auswahl speichern',
    settingsTitle: 'Ihre Auswahl',
    analyticsLabel: 'Sitzungsaufzeichnungen und Heatmaps',
    analyticsDescription:
      'Zeichnet Klicks, Scrollen und Seitenwechsel mit maskierten Eingaben auf, um die Website zu verbessern.',
    privacyLinkLabel: 'Datenschutzerklärung',
    privacyUrl: '',
  },
  fr: {
    title: 'Aidez-nous à améliorer ce site',
    body:
      'Avec votre consentement, nous enregistrons votre utilisation de ce site (clics, défilement, ' +
      'changements de page) pour détecter et corriger des problèmes. Tout ce que vous saisissez est ' +
      'masqué avant de quitter votre navigateur, et les enregistrements sont supprimés après un délai ' +
      'fixe. Refuser ne change rien d’autre sur ce site, et vous pouvez changer d’avis à tout moment.',
    accept: 'Accepter',
    reject: 'Refuser',
    settings: 'Choisir',
    save: 'Enregistrer mes choix',
    settingsTitle: 'Vos choix',
    analyticsLabel: 'Enregistrements de sessions et cartes de chaleur',
    analyticsDescription:
      'Enregistre clics, défilement et changements de page, saisies masquées, pour améliorer le site.',
    privacyLinkLabel: 'Politique de confidentialité',
    privacyUrl: '',
  },
};

/** The fields of `BannerTexts`, in the order the canonical form lists them. */
export const BANNER_TEXT_FIELDS = Object.keys(DEFAULT_BANNER_TEXTS.en).sort() as Array<keyof BannerTexts>;

/** `de-AT` → `de`; anything without built-in texts → `en`. */
export function bannerLanguage(tag: string | null | undefined): BannerLanguage {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (BANNER_LANGUAGES as readonly string[]).includes(primary) ? (primary as BannerLanguage) : 'en';
}

/** Veil's texts for the language with a site's overrides on top (unknown or non-string fields ignored). */
export function resolveBannerTexts(language: BannerLanguage, overrides?: unknown): BannerTexts {
  const texts: BannerTexts = { ...DEFAULT_BANNER_TEXTS[language] };
  if (typeof overrides === 'object' && overrides !== null) {
    const o = overrides as Record<string, unknown>;
    for (const field of BANNER_TEXT_FIELDS) {
      const value = o[field];
      if (typeof value === 'string' && (field === 'privacyUrl' || value.trim() !== '')) texts[field] = value;
    }
  }
  if (texts.privacyUrl !== '' && !/^https?:\/\//i.test(texts.privacyUrl)) texts.privacyUrl = '';
  return texts;
}

/** One stable string for the texts shown (fields in sorted order), the input of the receipt's hash. */
export function canonicalBannerText(texts: BannerTexts): string {
  return JSON.stringify(BANNER_TEXT_FIELDS.map((field) => [field, texts[field]]));
}

/** The `bannerTextHash` a consent receipt carries: SHA-256 of `canonicalBannerText`. */
export function bannerTextHash(texts: BannerTexts): string {
  return sha256Hex(canonicalBannerText(texts));
}
