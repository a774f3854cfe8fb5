import { type BannerLanguage, bannerLanguage } from './bannerTexts.js';

/** What the opt-out control (`optout.js`) and the opt-out page (`/optout`) say. */
export interface OptOutTexts {
  title: string;
  /** Shown while the visitor has not opted out. */
  statusIn: string;
  /** Shown once the visitor has opted out. */
  statusOut: string;
  /** Button: opt out. */
  optOut: string;
  /** Button: undo the opt-out (recording still needs consent). */
  undo: string;
}

export const DEFAULT_OPT_OUT_TEXTS: Readonly<Record<BannerLanguage, Readonly<OptOutTexts>>> = {
  en: {
    title: 'Session recording',
    statusIn: 'With your consent, this site may record how you use it (typed values masked) to improve it.',
    statusOut: 'You have opted out: your visits to this site are not recorded, and nothing is asked again.',
    optOut: 'Do not record my visits',
    undo: 'Undo opt-out',
  },
  de: {
    title: 'Sitzungsaufzeichnung',
    statusIn:
      'Mit Ihrer Einwilligung darf diese Website aufzeichnen, wie Sie sie nutzen (Eingaben maskiert), um sie zu verbessern.',
    statusOut:
      'Sie haben widersprochen: Ihre Besuche auf dieser Website werden nicht aufgezeichnet, und Sie werden nicht erneut gefragt.',
    optOut: 'Meine Besuche nicht aufzeichnen',
    undo: 'Widerspruch zurücknehmen',
  },
  fr: {
    title: 'Enregistrement de session',
    statusIn:
      'Avec votre consentement, ce site peut enregistrer votre utilisation (saisies masquées) pour s’améliorer.',
    statusOut:
      'Vous vous êtes opposé(e) : vos visites sur ce site ne sont pas enregistrées et la question ne sera plus posée.',
    optOut: 'Ne pas enregistrer mes visites',
    undo: 'Annuler l’opposition',
  },
};

/** The opt-out texts for a BCP 47 tag (`en` when Veil has none for it). */
export function optOutTextsFor(tag: string | null | undefined): OptOutTexts {
  return DEFAULT_OPT_OUT_TEXTS[bannerLanguage(tag)];
}
