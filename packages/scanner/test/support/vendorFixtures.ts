/**
 * How each vendor's tag really looks on a page, written from the vendors' public snippets and
 * independently of `data/signatures.json`: the script URL on the vendor's own host, a global the
 * snippet defines inline and a cookie (or storage key) its script sets. Here the script request
 * fails (no internet, and the scan runs offline): the attempt alone counts as firing.
 */
export interface VendorFixture {
  script: string;
  global?: string;
  cookie?: string;
  localStorage?: string;
  sessionStorage?: string;
}

export const VENDOR_FIXTURES: Record<string, VendorFixture> = {
  hotjar: {
    script: 'https://static.hotjar.com/c/hotjar-3172631.js?sv=6',
    global: 'hj',
    cookie: '_hjSessionUser_3172631',
  },
  'microsoft-clarity': {
    script: 'https://www.clarity.ms/tag/k2n8c9pq1z',
    global: 'clarity',
    cookie: '_clck',
  },
  fullstory: { script: 'https://edge.fullstory.com/s/fs.js', global: 'FS', cookie: 'fs_uid' },
  logrocket: {
    script: 'https://cdn.lr-ingest.io/LogRocket.min.js',
    global: 'LogRocket',
    cookie: '_lr_uf_-abc123',
  },
  mouseflow: { script: 'https://cdn.mouseflow.com/projects/8d1c2a44.js', global: '_mfq', cookie: 'mf_user' },
  smartlook: {
    script: 'https://web-sdk.smartlook.com/recorder.js',
    global: 'smartlook',
    cookie: 'SL_C_23361dd035530_SID',
  },
  inspectlet: {
    script: 'https://cdn.inspectlet.com/inspectlet.js?wid=1234567890',
    global: '__insp',
    cookie: '__insp_wid',
  },
  'crazy-egg': {
    script: 'https://script.crazyegg.com/pages/scripts/0123/4567.js',
    global: 'CE2',
    cookie: '_ce.s',
  },
  'lucky-orange': {
    script: 'https://tools.luckyorange.com/core/lo.js?site-id=a1b2c3d4',
    global: '__lo_site_id',
    cookie: '_lo_uid',
  },
  contentsquare: {
    script: 'https://t.contentsquare.net/uxa/4f1c2b3a9e8d7.js',
    global: '_uxa',
    cookie: '_cs_id',
  },
  'quantum-metric': {
    script: 'https://cdn.quantummetric.com/qscripts/quantum-acme.js',
    global: 'QuantumMetricAPI',
    cookie: 'QuantumMetricSessionID',
  },
  glassbox: {
    script: 'https://cdn.gbqofs.com/acme/p/detector-dom.min.js',
    global: '_detector',
    cookie: '_cls_v',
  },
  'yandex-metrica-webvisor': {
    script: 'https://mc.yandex.ru/metrika/tag.js',
    global: 'ym',
    cookie: '_ym_uid',
  },
  posthog: {
    script: 'https://us-assets.i.posthog.com/static/array.js',
    global: 'posthog',
    cookie: 'ph_phc_AbC123_posthog',
  },
  'sentry-replay': {
    script: 'https://browser.sentry-cdn.com/8.30.0/bundle.tracing.replay.min.js',
    sessionStorage: 'sentryReplaySession',
  },
  openreplay: {
    script: 'https://static.openreplay.com/latest/openreplay.js',
    global: 'OpenReplay',
    localStorage: '__openreplay_uuid',
  },
  highlight: {
    script: 'https://static.highlight.io/v9.3.1/index.js',
    sessionStorage: 'highlightSessionData_2',
  },
  heap: {
    script: 'https://cdn.heapanalytics.com/js/heap-1234567890.js',
    global: 'heap',
    cookie: '_hp2_id.1234567890',
  },
  veil: { script: 'https://veil.acme.example/r/v1/recorder.js', sessionStorage: 'veil:session' },
  'google-analytics': {
    script: 'https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ',
    global: 'gtag',
    cookie: '_ga',
  },
  'google-tag-manager': {
    script: 'https://www.googletagmanager.com/gtm.js?id=GTM-ABC1234',
    global: 'google_tag_manager',
  },
  'google-ads': {
    script: 'https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/',
    cookie: '_gcl_au',
  },
  'meta-pixel': { script: 'https://connect.facebook.net/en_US/fbevents.js', global: 'fbq', cookie: '_fbp' },
  'linkedin-insight': {
    script: 'https://snap.licdn.com/li.lms-analytics/insight.min.js',
    global: '_linkedin_partner_id',
    cookie: 'li_fat_id',
  },
  'tiktok-pixel': {
    script: 'https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=C1ABC',
    global: 'ttq',
    cookie: '_ttp',
  },
  'microsoft-uet': { script: 'https://bat.bing.com/bat.js', global: 'uetq', cookie: '_uetvid' },
  'x-pixel': { script: 'https://static.ads-twitter.com/uwt.js', global: 'twq' },
  'pinterest-tag': { script: 'https://s.pinimg.com/ct/core.js', global: 'pintrk', cookie: '_pin_unauth' },
  'snap-pixel': { script: 'https://sc-static.net/scevent.min.js', global: 'snaptr', cookie: '_scid' },
  matomo: {
    script: 'https://cdn.matomo.cloud/acme.matomo.cloud/matomo.js',
    global: '_paq',
    cookie: '_pk_id.1.1fff',
  },
  'adobe-analytics': {
    script: 'https://assets.adobedtm.com/launch-EN0123456789.min.js',
    global: '_satellite',
    cookie: 's_cc',
  },
  mixpanel: {
    script: 'https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js',
    global: 'mixpanel',
    cookie: 'mp_0123abcd_mixpanel',
  },
  amplitude: {
    script: 'https://cdn.amplitude.com/libs/analytics-browser-2.11.1-min.js.gz',
    global: 'amplitude',
    cookie: 'AMP_0123abcd',
  },
  segment: {
    script: 'https://cdn.segment.com/analytics.js/v1/WRITEKEY/analytics.min.js',
    localStorage: 'ajs_anonymous_id',
  },
  hubspot: { script: 'https://js.hs-scripts.com/1234567.js', global: '_hsq', cookie: 'hubspotutk' },
};

/** A fixture page holding one vendor's tag, as a site would paste it (no consent gate). */
export function vendorPage(id: string, f: VendorFixture): string {
  const inline = [
    f.global
      ? `window[${JSON.stringify(f.global)}] = window[${JSON.stringify(f.global)}] || function () {};`
      : '',
    f.cookie ? `document.cookie = ${JSON.stringify(`${f.cookie}=1; path=/`)};` : '',
    f.localStorage ? `localStorage.setItem(${JSON.stringify(f.localStorage)}, '1');` : '',
    f.sessionStorage ? `sessionStorage.setItem(${JSON.stringify(f.sessionStorage)}, '1');` : '',
  ].join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${id}</title>
<script>${inline}</script>
<script async src="${f.script}"></script>
</head><body><h1>${id}</h1></body></html>`;
}
