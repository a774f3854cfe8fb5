import type { PrivacyPolicy } from '../policy/privacyPolicy.js';
import { DEVICE_STORAGE, type NoticeLanguage } from './deviceStorage.js';

export const NOTICE_LANGUAGES: readonly NoticeLanguage[] = ['en', 'de'];
export type NoticeFormat = 'html' | 'markdown';

/** What a disclosure notice is generated from: the live configuration of one site. */
export interface NoticeInput {
  siteName: string;
  /** The site's origins (`https://shop.example`). */
  origins: readonly string[];
  /** Where Veil runs (`https://veil.shop.example`): the recordings' only destination. */
  veilOrigin: string;
  /** The policy in force and its version (the notice says which version it reflects). */
  policy: PrivacyPolicy;
  policyVersion: number;
  /** Where a visitor opts out (Veil's `/optout?site=…` page, or the site's own privacy page). */
  optOutUrl: string;
  /** When the notice was generated (ms since the epoch). */
  generatedAt: number;
}

/** A notice as blocks, rendered to HTML or Markdown by the same walk. */
export type NoticeBlock =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'link'; text: string; href: string };

export interface DisclosureNotice {
  language: NoticeLanguage;
  policyVersion: number;
  blocks: NoticeBlock[];
}

interface Texts {
  title(site: string): string;
  providerHeading: string;
  provider(veilOrigin: string, origins: string): string;
  collectedHeading: string;
  collected: {
    pages(params: readonly string[]): string;
    interactions: string;
    text(maskAll: boolean): string;
    device: string;
    network: string;
    heatmapOnly: string;
    heatmapOnlyPages(n: number): string;
  };
  neverHeading: string;
  never: string[];
  neverIframes(allowed: boolean): string;
  purposeHeading: string;
  purpose(assessment: string | undefined): string;
  basisHeading: string;
  basisConsent: string;
  basisLegitimate(purpose: string | undefined): string;
  gpc: string;
  sampling(percent: number): string;
  regions(list: string): string;
  retentionHeading: string;
  retention(days: number): string;
  storageHeading: string;
  storageIntro(consent: boolean): string;
  storageHeader: string[];
  choicesHeading: string;
  choices(consent: boolean, eraseOnWithdrawal: boolean): string[];
  optOutLink: string;
  footer(version: number, date: string): string;
}

const EN: Texts = {
  title: (site) => `Session recording and heatmaps on ${site}`,
  providerHeading: 'Who records',
  provider: (veil, origins) =>
    `To understand how our pages are used, we record visits to ${origins} with Veil, a session-replay and heatmap tool that we run on our own servers (${veil}). Recordings are sent only there; no third-party analytics provider receives them. They are encrypted at rest, and every viewing by our staff is logged.`,
  collectedHeading: 'What is recorded',
  collected: {
    pages: (params) =>
      params.length === 0
        ? 'the pages you visit, as addresses without query parameters or fragments'
        : `the pages you visit, as addresses without fragments and without query parameters other than ${params.join(', ')}`,
    interactions: 'mouse movements, clicks, taps, scrolling and window size',
    text: (maskAll) =>
      maskAll
        ? 'the layout of the page; all visible text is replaced by placeholders in your browser'
        : 'the layout and visible text of the page, with personal data (e-mail addresses, phone and card numbers, IBANs, national ids and the like) masked in your browser and again on our server',
    device: 'the kind of device (desktop, tablet, phone) and screen size',
    network: 'the content of requests the page makes to our servers, with personal data masked',
    heatmapOnly:
      'only clicks and scroll depth for heatmaps, with one text-free picture of the page layout: no replayable recording is kept',
    heatmapOnlyPages: (n) =>
      `on ${n} page pattern(s), only heatmap data (clicks, scroll depth), no replayable recording`,
  },
  neverHeading: 'What is never recorded',
  never: [
    'what you type into form fields: every input is masked in your browser before anything is sent',
    'passwords and hidden fields',
    'videos, audio and canvas drawings (a placeholder of the same size is recorded)',
    'your IP address (it is used to apply blocking and region rules, then discarded)',
  ],
  neverIframes: (allowed) =>
    allowed
      ? 'embedded frames from other sites (only selected frames of our own site are recorded, with the same masking)'
      : 'the content of embedded frames (iframes)',
  purposeHeading: 'Why',
  purpose: (assessment) =>
    assessment ??
    'To find and fix problems in our pages: errors, confusing forms, broken links and pages people leave in frustration.',
  basisHeading: 'Legal basis',
  basisConsent:
    'Your consent (GDPR Art. 6(1)(a) and, for storage on your device, ePrivacy Art. 5(3)). Nothing is recorded, and nothing of the recorder is loaded or stored on your device, before you agree; recording stops within a second when you withdraw.',
  basisLegitimate: (purpose) =>
    `Our legitimate interest (GDPR Art. 6(1)(f))${purpose ? `: ${purpose}` : ''}. We have weighed it against your interests in a documented assessment. You can object at any time with the opt-out link below.`,
  gpc: 'If your browser sends a Global Privacy Control or Do Not Track signal, you are not recorded.',
  sampling: (percent) => `Only a sample of visits is recorded: about ${percent} % of them.`,
  regions: (list) => `Visitors from these countries are never recorded: ${list}.`,
  retentionHeading: 'How long',
  retention: (days) =>
    `Recordings are deleted automatically ${days} day${days === 1 ? '' : 's'} after they were made. Heatmap counts that name no visitor may be kept longer.`,
  storageHeading: 'Storage on your device',
  storageIntro: (consent) =>
    consent
      ? 'After you consent, the recorder keeps these entries in your browser. None is a cookie; all are removed when you withdraw, except your opt-out or refusal, which must be remembered to be respected.'
      : 'The recorder keeps these entries in your browser. None is a cookie; all but your opt-out are removed when you opt out.',
  storageHeader: ['Name', 'Where', 'What for', 'How long'],
  choicesHeading: 'Your choices',
  choices: (consent, erase) => [
    consent
      ? `You can withdraw your consent at any time in the consent settings of this site${erase ? '; what was recorded of you is then erased' : ''}.`
      : 'You can object to recording at any time with the opt-out link below.',
    'You can ask us for a copy of the recordings of you, or for their erasure, with the contact given in our privacy policy.',
  ],
  optOutLink: 'Opt out of recording',
  footer: (version, date) => `Generated by Veil from privacy policy version ${version} on ${date}.`,
};

const DE: Texts = {
  title: (site) => `Sitzungsaufzeichnung und Heatmaps auf ${site}`,
  providerHeading: 'Wer aufzeichnet',
  provider: (veil, origins) =>
    `Um zu verstehen, wie unsere Seiten genutzt werden, zeichnen wir Besuche auf ${origins} mit Veil auf, einem Werkzeug für Sitzungsaufzeichnungen und Heatmaps, das wir auf unseren eigenen Servern betreiben (${veil}). Aufzeichnungen werden nur dorthin übertragen; kein externer Analyseanbieter erhält sie. Sie werden verschlüsselt gespeichert, und jede Ansicht durch unsere Mitarbeitenden wird protokolliert.`,
  collectedHeading: 'Was aufgezeichnet wird',
  collected: {
    pages: (params) =>
      params.length === 0
        ? 'die Seiten, die Sie besuchen, als Adressen ohne Abfrageparameter und Fragmente'
        : `die Seiten, die Sie besuchen, als Adressen ohne Fragmente und ohne andere Abfrageparameter als ${params.join(', ')}`,
    interactions: 'Mausbewegungen, Klicks, Berührungen, Scrollen und Fenstergröße',
    text: (maskAll) =>
      maskAll
        ? 'der Aufbau der Seite; jeder sichtbare Text wird schon in Ihrem Browser durch Platzhalter ersetzt'
        : 'Aufbau und sichtbarer Text der Seite, wobei personenbezogene Daten (E-Mail-Adressen, Telefon- und Kartennummern, IBANs, Ausweisnummern und Ähnliches) in Ihrem Browser und erneut auf unserem Server maskiert werden',
    device: 'die Geräteart (Desktop, Tablet, Telefon) und die Bildschirmgröße',
    network: 'der Inhalt von Anfragen der Seite an unsere Server, mit maskierten personenbezogenen Daten',
    heatmapOnly:
      'nur Klicks und Scrolltiefe für Heatmaps, mit einem textfreien Bild des Seitenaufbaus: keine abspielbare Aufzeichnung',
    heatmapOnlyPages: (n) =>
      `auf ${n} Seitenmuster(n) nur Heatmap-Daten (Klicks, Scrolltiefe), keine abspielbare Aufzeichnung`,
  },
  neverHeading: 'Was nie aufgezeichnet wird',
  never: [
    'was Sie in Formularfelder eingeben: jede Eingabe wird in Ihrem Browser maskiert, bevor etwas übertragen wird',
    'Passwörter und versteckte Felder',
    'Videos, Audio und Canvas-Zeichnungen (aufgezeichnet wird ein Platzhalter gleicher Größe)',
    'Ihre IP-Adresse (sie dient nur der Anwendung von Sperr- und Regionsregeln und wird dann verworfen)',
  ],
  neverIframes: (allowed) =>
    allowed
      ? 'eingebettete Rahmen anderer Websites (nur ausgewählte Rahmen unserer eigenen Website werden mit derselben Maskierung aufgezeichnet)'
      : 'der Inhalt eingebetteter Rahmen (iframes)',
  purposeHeading: 'Wozu',
  purpose: (assessment) =>
    assessment ??
    'Um Probleme auf unseren Seiten zu finden und zu beheben: Fehler, unverständliche Formulare, defekte Links und Seiten, die Besucher verärgert verlassen.',
  basisHeading: 'Rechtsgrundlage',
  basisConsent:
    'Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO und, für die Speicherung auf Ihrem Gerät, § 25 Abs. 1 TDDDG bzw. Art. 5 Abs. 3 ePrivacy-Richtlinie). Vor Ihrer Zustimmung wird nichts aufgezeichnet und nichts vom Aufzeichnungsprogramm geladen oder auf Ihrem Gerät gespeichert; nach einem Widerruf endet die Aufzeichnung innerhalb einer Sekunde.',
  basisLegitimate: (purpose) =>
    `Unser berechtigtes Interesse (Art. 6 Abs. 1 lit. f DSGVO)${purpose ? `: ${purpose}` : ''}. Wir haben es in einer dokumentierten Abwägung gegen Ihre Interessen abgewogen. Sie können jederzeit über den Widerspruchslink unten widersprechen.`,
  gpc: 'Sendet Ihr Browser ein Global-Privacy-Control- oder Do-Not-Track-Signal, werden Sie nicht aufgezeichnet.',
  sampling: (percent) => `Nur eine Stichprobe der Besuche wird aufgezeichnet: etwa ${percent} %.`,
  regions: (list) => `Besucher aus diesen Ländern werden nie aufgezeichnet: ${list}.`,
  retentionHeading: 'Wie lange',
  retention: (days) =>
    `Aufzeichnungen werden ${days} Tag${days === 1 ? '' : 'e'} nach ihrer Entstehung automatisch gelöscht. Heatmap-Zählungen, die keinen Besucher erkennen lassen, können länger aufbewahrt werden.`,
  storageHeading: 'Speicherung auf Ihrem Gerät',
  storageIntro: (consent) =>
    consent
      ? 'Nach Ihrer Einwilligung legt das Aufzeichnungsprogramm diese Einträge in Ihrem Browser ab. Keiner ist ein Cookie; alle werden bei einem Widerruf entfernt, außer Ihrem Widerspruch oder Ihrer Ablehnung, die gespeichert bleiben müssen, um beachtet zu werden.'
      : 'Das Aufzeichnungsprogramm legt diese Einträge in Ihrem Browser ab. Keiner ist ein Cookie; bei einem Widerspruch werden alle außer dem Widerspruch selbst entfernt.',
  storageHeader: ['Name', 'Ort', 'Wofür', 'Wie lange'],
  choicesHeading: 'Ihre Wahl',
  choices: (consent, erase) => [
    consent
      ? `Sie können Ihre Einwilligung jederzeit in den Einwilligungseinstellungen dieser Website widerrufen${erase ? '; was von Ihnen aufgezeichnet wurde, wird dann gelöscht' : ''}.`
      : 'Sie können der Aufzeichnung jederzeit über den Widerspruchslink unten widersprechen.',
    'Sie können über den in unserer Datenschutzerklärung genannten Kontakt eine Kopie Ihrer Aufzeichnungen oder deren Löschung verlangen.',
  ],
  optOutLink: 'Der Aufzeichnung widersprechen',
  footer: (version, date) => `Von Veil erzeugt aus Version ${version} der Datenschutzrichtlinie am ${date}.`,
};

const TEXTS: Record<NoticeLanguage, Texts> = { en: EN, de: DE };

/**
 * The disclosure text for a site's privacy and cookie policies, from its live configuration:
 * who records, what is and is never recorded, why, on which legal basis, for how long, what is
 * stored on the visitor's device, and how to opt out. Every statement is derived from the
 * policy version given, which the notice names; a policy change gives a different notice.
 */
export function disclosureNotice(input: NoticeInput, language: NoticeLanguage): DisclosureNotice {
  const t = TEXTS[language];
  const p = input.policy;
  const consent = p.lawfulBasis === 'consent';
  const collected: string[] = p.heatmapOnly
    ? [t.collected.pages(p.allowedUrlParams), t.collected.heatmapOnly, t.collected.device]
    : [
        t.collected.pages(p.allowedUrlParams),
        t.collected.interactions,
        t.collected.text(p.maskAllText),
        t.collected.device,
        ...(p.captureNetworkPayloads ? [t.collected.network] : []),
        ...(p.heatmapOnlyPages.length > 0 ? [t.collected.heatmapOnlyPages(p.heatmapOnlyPages.length)] : []),
      ];
  const scope: string[] = [];
  if (p.samplingPercent < 100) scope.push(t.sampling(p.samplingPercent));
  if (p.restrictedRegions.length > 0) scope.push(t.regions(p.restrictedRegions.join(', ')));
  if (p.honourGlobalPrivacyControl) scope.push(t.gpc);
  const date = new Date(input.generatedAt).toISOString().slice(0, 10);
  const blocks: NoticeBlock[] = [
    { kind: 'heading', level: 1, text: t.title(input.siteName) },
    { kind: 'heading', level: 2, text: t.providerHeading },
    { kind: 'paragraph', text: t.provider(input.veilOrigin, input.origins.join(', ')) },
    { kind: 'heading', level: 2, text: t.collectedHeading },
    { kind: 'list', items: collected },
    { kind: 'heading', level: 2, text: t.neverHeading },
    { kind: 'list', items: [...t.never, t.neverIframes(p.allowIframes.length > 0)] },
    { kind: 'heading', level: 2, text: t.purposeHeading },
    { kind: 'paragraph', text: t.purpose(p.legitimateInterestAssessment?.purpose) },
    { kind: 'heading', level: 2, text: t.basisHeading },
    {
      kind: 'paragraph',
      text: consent ? t.basisConsent : t.basisLegitimate(p.legitimateInterestAssessment?.purpose),
    },
    ...scope.map((text): NoticeBlock => ({ kind: 'paragraph', text })),
    { kind: 'heading', level: 2, text: t.retentionHeading },
    { kind: 'paragraph', text: t.retention(p.retentionDays) },
    { kind: 'heading', level: 2, text: t.storageHeading },
    { kind: 'paragraph', text: t.storageIntro(consent) },
    {
      kind: 'table',
      header: t.storageHeader,
      rows: DEVICE_STORAGE.map((e) => [e.key, e.area, e.purpose[language], e.lifetime[language]]),
    },
    { kind: 'heading', level: 2, text: t.choicesHeading },
    { kind: 'list', items: t.choices(consent, p.eraseOnWithdrawal) },
    { kind: 'link', text: t.optOutLink, href: input.optOutUrl },
    { kind: 'paragraph', text: t.footer(input.policyVersion, date) },
  ];
  return { language, policyVersion: input.policyVersion, blocks };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
/** Markdown: characters that would start markup are escaped; table cells also escape `|`. */
const escapeMarkdown = (s: string) => s.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
/** Only http(s) links are rendered as links; anything else is shown as text. */
const safeHref = (href: string) => /^https?:\/\//i.test(href);

/** The notice as an HTML fragment (a `<section>`, no script, no style) for the site's policy page. */
export function noticeToHtml(notice: DisclosureNotice): string {
  const out = [`<section lang="${notice.language}" data-veil-policy-version="${notice.policyVersion}">`];
  for (const b of notice.blocks) {
    if (b.kind === 'heading') out.push(`<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`);
    else if (b.kind === 'paragraph') out.push(`<p>${escapeHtml(b.text)}</p>`);
    else if (b.kind === 'list')
      out.push(`<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
    else if (b.kind === 'table')
      out.push(
        `<table><thead><tr>${b.header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.rows
          .map(
            (r) =>
              `<tr>${r.map((c, i) => (i === 0 ? `<td><code>${escapeHtml(c)}</code></td>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
          )
          .join('')}</tbody></table>`,
      );
    else
      out.push(
        safeHref(b.href)
          ? `<p><a href="${escapeHtml(b.href)}">${escapeHtml(b.text)}</a></p>`
          : `<p>${escapeHtml(b.text)}: ${escapeHtml(b.href)}</p>`,
      );
  }
  out.push('</section>');
  return `${out.join('\n')}\n`;
}

/** The notice as Markdown. */
export function noticeToMarkdown(notice: DisclosureNotice): string {
  const out: string[] = [];
  for (const b of notice.blocks) {
    if (b.kind === 'heading') out.push(`${'#'.repeat(b.level)} ${escapeMarkdown(b.text)}`);
    else if (b.kind === 'paragraph') out.push(escapeMarkdown(b.text));
    else if (b.kind === 'list') out.push(b.items.map((i) => `- ${escapeMarkdown(i)}`).join('\n'));
    else if (b.kind === 'table')
      out.push(
        [
          `| ${b.header.map(escapeMarkdown).join(' | ')} |`,
          `|${b.header.map(() => '---').join('|')}|`,
          ...b.rows.map(
            (r) => `| ${r.map((c, i) => (i === 0 ? `\`${c}\`` : escapeMarkdown(c))).join(' | ')} |`,
          ),
        ].join('\n'),
      );
    else
      out.push(
        safeHref(b.href)
          ? `[${escapeMarkdown(b.text)}](<${b.href.replace(/[<>\s]/g, encodeURIComponent)}>)`
          : `${escapeMarkdown(b.text)}: ${escapeMarkdown(b.href)}`,
      );
  }
  return `${out.join('\n\n')}\n`;
}
