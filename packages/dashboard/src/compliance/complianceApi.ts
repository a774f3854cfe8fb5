import {
  type Attestation,
  attestationSchema,
  type ComplianceReport,
  type ConsentReceipt,
  complianceReportSchema,
  consentReceiptSchema,
  type ErasureReceipt,
  erasureReceiptSchema,
  type NewAttestation,
  type Processor,
  type ProcessorInput,
  processorSchema,
  type ReportFormat,
  type SubjectRequest,
  type SubjectRequestKind,
  type SubjectSelector,
  subjectRequestSchema,
} from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

export const CONSENT_BUCKETS = ['hour', 'day', 'week'] as const;
export type ConsentBucket = (typeof CONSENT_BUCKETS)[number];

const statsRow = z.object({
  start: z.number(),
  source: z.string(),
  region: z.string().nullable(),
  granted: z.number(),
  denied: z.number(),
  withdrawn: z.number(),
});
export type ConsentStatsRow = z.infer<typeof statsRow>;

const statsSchema = z.object({
  from: z.number(),
  to: z.number(),
  bucket: z.enum(CONSENT_BUCKETS),
  bucketMs: z.number(),
  rows: z.array(statsRow),
  totals: z.object({ granted: z.number(), denied: z.number(), withdrawn: z.number() }),
});
export type ConsentStats = z.infer<typeof statsSchema>;

export type RequestWithStatus = SubjectRequest & {
  status: 'completed' | 'completed_late' | 'open' | 'overdue';
};
const requestWithStatus = subjectRequestSchema.extend({
  status: z.enum(['completed', 'completed_late', 'open', 'overdue']),
});

const bannerEntry = z.object({
  language: z.string(),
  texts: z.record(z.string(), z.string()),
  updatedAt: z.number(),
  updatedBy: z.string(),
});
export type BannerTextsEntry = z.infer<typeof bannerEntry>;
const bannerTextsSchema = z.object({
  languages: z.array(bannerEntry),
  defaults: z.record(z.string(), z.record(z.string(), z.string())),
});

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

const trendSchema = z.object({
  summaries: z.array(
    z.object({ month: z.string(), score: z.number(), max: z.number(), createdAt: z.number() }),
  ),
});
export type ReadinessTrendPoint = z.infer<typeof trendSchema>['summaries'][number];

/** The consent, opt-out and data-subject endpoints of docs/api.md. */
export function complianceApi(api: ApiClient) {
  return {
    /** The compliance pack's model for the dashboard (not a download). */
    report(
      siteKey: string,
      period: { from: number; to: number },
      signal?: AbortSignal,
    ): Promise<ComplianceReport> {
      const q = new URLSearchParams({ from: String(period.from), to: String(period.to) });
      return api.request(`${site(siteKey)}/compliance?${q}`, decoder(complianceReportSchema), { signal });
    },
    readinessTrend(siteKey: string, signal?: AbortSignal): Promise<ReadinessTrendPoint[]> {
      return api.request(
        `${site(siteKey)}/compliance/trend`,
        decoder(trendSchema.transform((b) => b.summaries)),
        { signal },
      );
    },
    /** Records an attestation (dated and attributed by the server, audited, valid a year). */
    attest(siteKey: string, body: NewAttestation): Promise<Attestation> {
      return api.request(
        `${site(siteKey)}/attestations`,
        decoder(z.object({ attestation: attestationSchema }).transform((b) => b.attestation)),
        { method: 'POST', body },
      );
    },
    /** The pack as a file (recorded in the audit log as report.downloaded). */
    downloadPack(siteKey: string, format: ReportFormat, period: { from: number; to: number }) {
      return api.download(`${site(siteKey)}/compliance/report`, {
        method: 'POST',
        body: { from: String(period.from), to: String(period.to), format },
      });
    },
    consentStats(
      siteKey: string,
      window: { from: number; to: number; bucket: ConsentBucket },
      signal?: AbortSignal,
    ) {
      const q = new URLSearchParams({
        from: String(window.from),
        to: String(window.to),
        bucket: window.bucket,
      });
      return api.request(`${site(siteKey)}/consent/stats?${q}`, decoder(statsSchema), { signal });
    },
    consentReceipts(siteKey: string, signal?: AbortSignal): Promise<ConsentReceipt[]> {
      return api.request(
        `${site(siteKey)}/consent/receipts?limit=50`,
        decoder(z.object({ receipts: z.array(consentReceiptSchema) }).transform((b) => b.receipts)),
        { signal },
      );
    },
    requests(siteKey: string | null, signal?: AbortSignal): Promise<RequestWithStatus[]> {
      const q = siteKey === null ? '' : `?siteKey=${encodeURIComponent(siteKey)}`;
      return api.request(
        `/subject-requests${q}`,
        decoder(z.object({ requests: z.array(requestWithStatus) }).transform((b) => b.requests)),
        { signal },
      );
    },
    erase(
      siteKey: string,
      body: { selector: SubjectSelector; reference?: string; receivedAt?: number; requestId?: string },
    ) {
      return api.request(
        `${site(siteKey)}/erasures`,
        decoder(z.object({ receipt: erasureReceiptSchema }).transform((b): ErasureReceipt => b.receipt)),
        { method: 'POST', body },
      );
    },
    /** The bundle as JSON text, to download. */
    exportSubject(
      siteKey: string,
      body: { selector: SubjectSelector; reference?: string; receivedAt?: number },
    ) {
      return api.request(`${site(siteKey)}/subject-exports`, (b) => JSON.stringify(b, null, 2), {
        method: 'POST',
        body,
      });
    },
    /** The processor / DPA register (docs/compliance-pack.md); every change is audited. */
    processors(siteKey: string, signal?: AbortSignal): Promise<Processor[]> {
      return api.request(
        `${site(siteKey)}/processors`,
        decoder(z.object({ processors: z.array(processorSchema) }).transform((b) => b.processors)),
        { signal },
      );
    },
    saveProcessor(siteKey: string, id: string | null, body: ProcessorInput): Promise<Processor> {
      return api.request(
        `${site(siteKey)}/processors${id === null ? '' : `/${encodeURIComponent(id)}`}`,
        decoder(z.object({ processor: processorSchema }).transform((b) => b.processor)),
        { method: id === null ? 'POST' : 'PUT', body },
      );
    },
    removeProcessor(siteKey: string, id: string): Promise<void> {
      return api.request(`${site(siteKey)}/processors/${encodeURIComponent(id)}`, () => undefined, {
        method: 'DELETE',
      });
    },
    bannerTexts(siteKey: string, signal?: AbortSignal) {
      return api.request(`${site(siteKey)}/banner-texts`, decoder(bannerTextsSchema), { signal });
    },
    saveBannerTexts(siteKey: string, language: string, texts: Record<string, string>) {
      return api.request(
        `${site(siteKey)}/banner-texts/${encodeURIComponent(language)}`,
        decoder(bannerEntry),
        {
          method: 'PUT',
          body: texts,
        },
      );
    },
    removeBannerTexts(siteKey: string, language: string) {
      return api.request(`${site(siteKey)}/banner-texts/${encodeURIComponent(language)}`, () => undefined, {
        method: 'DELETE',
      });
    },
    logRequest(
      siteKey: string,
      body: {
        kind: SubjectRequestKind;
        selector: SubjectSelector;
        receivedAt?: number;
        reference?: string;
        law?: 'gdpr' | 'ccpa';
      },
    ) {
      return api.request(
        `${site(siteKey)}/subject-requests`,
        decoder(z.object({ request: requestWithStatus }).transform((b): RequestWithStatus => b.request)),
        { method: 'POST', body },
      );
    },
  };
}
export type ComplianceApi = ReturnType<typeof complianceApi>;
