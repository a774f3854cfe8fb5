import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRIVACY_POLICY,
  DEVICE_STORAGE,
  disclosureNotice,
  NOTICE_LANGUAGES,
  type NoticeInput,
  noticeToHtml,
  noticeToMarkdown,
  type PrivacyPolicy,
} from '../../src/index.js';

const base = (policy: Partial<PrivacyPolicy> = {}, extra: Partial<NoticeInput> = {}): NoticeInput => ({
  siteName: 'Harbour Clinic',
  origins: ['https://clinic.example'],
  veilOrigin: 'https://veil.clinic.example',
  policy: { ...DEFAULT_PRIVACY_POLICY, ...policy },
  policyVersion: 7,
  optOutUrl: 'https://veil.clinic.example/optout?site=site_abc',
  generatedAt: Date.UTC(2026, 11, 6),
  ...extra,
});

const text = (input: NoticeInput, lang: 'en' | 'de' = 'en') =>
  noticeToMarkdown(disclosureNotice(input, lang));

describe('generated disclosure notices', () => {
  it('state the live configuration: retention, sampling, regions, version, opt-out link', () => {
    const md = text(base({ retentionDays: 14, samplingPercent: 25, restrictedRegions: ['CN', 'RU'] }));
    expect(md).toContain('deleted automatically 14 days after');
    expect(md).toContain('about 25 % of them');
    expect(md).toContain('never recorded: CN, RU');
    expect(md).toContain('privacy policy version 7 on 2026-12-06');
    expect(md).toContain('(<https://veil.clinic.example/optout?site=site_abc>)');
    expect(md).toContain('https://veil.clinic.example');
  });

  it('change with the policy: another version gives another notice', () => {
    const before = text(base({ retentionDays: 30 }));
    const after = text(base({ retentionDays: 7 }, { policyVersion: 8 }));
    expect(before).toContain('30 days');
    expect(after).toContain('7 days');
    expect(after).toContain('version 8');
    expect(after).not.toEqual(before);
  });

  it('name the lawful basis: consent, or legitimate interest with the assessed purpose', () => {
    expect(text(base())).toContain('Your consent (GDPR Art. 6(1)(a)');
    const li = text(
      base({
        lawfulBasis: 'legitimate_interest',
        legitimateInterestAssessment: {
          purpose: 'keeping the booking form usable',
          necessity: 'n',
          balancing: 'b',
          safeguards: 's',
        },
      }),
    );
    expect(li).toContain('legitimate interest (GDPR Art. 6(1)(f)): keeping the booking form usable');
    expect(li).toContain('object to recording at any time');
    expect(li).not.toContain('Your consent');
  });

  it('describe mask-all, heatmap-only and network capture as configured', () => {
    expect(text(base({ maskAllText: true }))).toContain('all visible text is replaced by placeholders');
    expect(text(base({ maskAllText: false }))).toContain('personal data (e-mail addresses');
    const heat = text(base({ heatmapOnly: true }));
    expect(heat).toContain('no replayable recording is kept');
    expect(heat).not.toContain('mouse movements');
    expect(text(base({ captureNetworkPayloads: true }))).toContain('content of requests');
    expect(text(base({ captureNetworkPayloads: false }))).not.toContain('content of requests');
  });

  it('list every key the recorder stores on the device', () => {
    for (const lang of NOTICE_LANGUAGES) {
      const md = text(base(), lang);
      for (const { key } of DEVICE_STORAGE) expect(md).toContain(`\`${key}\``);
    }
  });

  it('exist in German with the same facts', () => {
    const de = text(base({ retentionDays: 14, samplingPercent: 25 }), 'de');
    expect(de).toContain('14 Tage nach ihrer Entstehung automatisch gelöscht');
    expect(de).toContain('etwa 25 %');
    expect(de).toContain('Art. 6 Abs. 1 lit. a DSGVO');
    expect(de).toContain('Version 7 der Datenschutzrichtlinie');
    expect(noticeToHtml(disclosureNotice(base(), 'de'))).toContain('<section lang="de"');
  });

  it('escape what the configuration holds, in HTML and Markdown', () => {
    const hostile = base(
      {},
      {
        siteName: '<img src=x onerror=alert(1)> *bold* [x](javascript:alert(1))',
        optOutUrl: 'javascript:alert(1)',
      },
    );
    const html = noticeToHtml(disclosureNotice(hostile, 'en'));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('href="javascript:');
    const md = noticeToMarkdown(disclosureNotice(hostile, 'en'));
    // The site name's link syntax is escaped (`\]`), and the opt-out URL is not a link.
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(md).toContain('\\[x\\](javascript:alert(1))');
    expect(md).not.toContain('(<javascript:');
    expect(md).toContain('\\<img');
  });
});
