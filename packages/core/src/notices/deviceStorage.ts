/**
 * What the recorder keeps in the visitor's first-party storage, described for the generated
 * disclosure notices. The keys are the recorder's (`packages/recorder/src/shared/storageKeys.ts`;
 * a recorder test checks that this table names every one of them and nothing else).
 */
export type NoticeLanguage = 'en' | 'de';

export interface DeviceStorageEntry {
  key: `veil:${string}`;
  area: 'localStorage' | 'sessionStorage';
  /** What it holds and why, per language. */
  purpose: Record<NoticeLanguage, string>;
  /** How long it stays, per language. */
  lifetime: Record<NoticeLanguage, string>;
}

const TAB = { en: 'until the tab is closed', de: 'bis der Tab geschlossen wird' };
const UNTIL_WITHDRAWN = {
  en: 'until consent is withdrawn or the site data is cleared',
  de: 'bis zum Widerruf der Einwilligung oder zum Löschen der Websitedaten',
};

/** What each key is, for the visitor: one row per key of `StorageKey`. */
export const DEVICE_STORAGE: readonly DeviceStorageEntry[] = [
  {
    key: 'veil:session',
    area: 'sessionStorage',
    purpose: {
      en: 'the id and sequence of the current recording',
      de: 'Kennung und Zähler der laufenden Aufzeichnung',
    },
    lifetime: TAB,
  },
  {
    key: 'veil:visitor',
    area: 'localStorage',
    purpose: {
      en: 'a random pseudonymous visitor id, set only after consent',
      de: 'eine zufällige pseudonyme Besucherkennung, erst nach Einwilligung gesetzt',
    },
    lifetime: UNTIL_WITHDRAWN,
  },
  {
    key: 'veil:receipt',
    area: 'localStorage',
    purpose: { en: 'the id of your consent receipt', de: 'die Kennung Ihres Einwilligungsnachweises' },
    lifetime: UNTIL_WITHDRAWN,
  },
  {
    key: 'veil:receipt-ok',
    area: 'localStorage',
    purpose: {
      en: 'that the server has registered your consent receipt',
      de: 'dass der Server Ihren Einwilligungsnachweis registriert hat',
    },
    lifetime: UNTIL_WITHDRAWN,
  },
  {
    key: 'veil:choice',
    area: 'localStorage',
    purpose: {
      en: 'your answer to the consent banner (a refusal is remembered so the banner does not return on every page)',
      de: 'Ihre Antwort im Einwilligungsbanner (eine Ablehnung wird gespeichert, damit das Banner nicht auf jeder Seite erscheint)',
    },
    lifetime: { en: 'until the site data is cleared', de: 'bis zum Löschen der Websitedaten' },
  },
  {
    key: 'veil:segment',
    area: 'sessionStorage',
    purpose: {
      en: 'whether you are a new visitor and the kind of referring site, for heatmap segments',
      de: 'ob Sie neu sind und die Art der verweisenden Seite, für Heatmap-Segmente',
    },
    lifetime: TAB,
  },
  {
    key: 'veil:pending',
    area: 'sessionStorage',
    purpose: {
      en: 'recorded events not yet delivered when the previous page closed',
      de: 'aufgezeichnete Ereignisse, die beim Schließen der vorigen Seite noch nicht übertragen waren',
    },
    lifetime: TAB,
  },
  {
    key: 'veil:optout',
    area: 'localStorage',
    purpose: { en: 'that you opted out of recording', de: 'dass Sie der Aufzeichnung widersprochen haben' },
    lifetime: { en: 'until the site data is cleared', de: 'bis zum Löschen der Websitedaten' },
  },
];
