import {
  type Attestation,
  attestationEnvelopeSchema,
  type BannerTextsEntryResponse,
  bannerTextsEntrySchema,
  bannerTextsResponseSchema,
  type ComplianceReport,
  type ConsentReceipt,
  type ConsentStatsResponse,
  type ConsentStatsRowResponse,
  complianceReportSchema,
  consentReceiptListResponseSchema,
  consentStatsResponseSchema,
  type ErasureReceipt,
  erasureReceiptEnvelopeSchema,
  type NewAttestation,
  type Processor,
  type ProcessorInput,
  processorEnvelopeSchema,
  processorListResponseSchema,
  type ReadinessTrendResponse,
  type ReportFormat,
  readinessTrendResponseSchema,
  type SubjectRequestKind,
  type SubjectRequestWithStatus,
  type SubjectSelector,
  subjectRequestEnvelopeSchema,
  subjectRequestListResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

export const CONSENT_BUCKETS = ['hour', 'day', 'week'] as const;
export type ConsentBucket = (typeof CONSENT_BUCKETS)[number];

// Response schemas are the server's own, from @veil/core.
export type ConsentStatsRow = ConsentStatsRowResponse;
export type ConsentStats = ConsentStatsResponse;
export type RequestWithStatus = SubjectRequestWithStatus;
export type BannerTextsEntry = BannerTextsEntryResponse;

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

export type ReadinessTrendPoint = ReadinessTrendResponse['summaries'][number];

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
        decoder(readinessTrendResponseSchema.transform((b) => b.summaries)),
        { signal },
      );
    },
    /** Records an attestation (dated and attributed by the server, audited, valid a year). */
    attest(siteKey: string, body: NewAttestation): Promise<Attestation> {
      return api.request(
        `${site(siteKey)}/attestations`,
        decoder(attestationEnvelopeSchema.transform((b) => b.attestation)),
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
      return api.request(`${site(siteKey)}/consent/stats?${q}`, decoder(consentStatsResponseSchema), {
        signal,
      });
    },
    consentReceipts(siteKey: string, signal?: AbortSignal): Promise<ConsentReceipt[]> {
      return api.request(
        `${site(siteKey)}/consent/receipts?limit=50`,
        decoder(consentReceiptListResponseSchema.transform((b) => b.receipts)),
        { signal },
      );
    },
    requests(siteKey: string | null, signal?: AbortSignal): Promise<RequestWithStatus[]> {
      const q = siteKey === null ? '' : `?siteKey=${encodeURIComponent(siteKey)}`;
      return api.request(
        `/subject-requests${q}`,
        decoder(subjectRequestListResponseSchema.transform((b) => b.requests)),
        { signal },
      );
    },
    erase(
      siteKey: string,
      body: { selector: SubjectSelector; reference?: string; receivedAt?: number; requestId?: string },
    ) {
      return api.request(
        `${site(siteKey)}/erasures`,
        decoder(erasureReceiptEnvelopeSchema.transform((b): ErasureReceipt => b.receipt)),
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
        decoder(processorListResponseSchema.transform((b) => b.processors)),
        { signal },
      );
    },
    saveProcessor(siteKey: string, id: string | null, body: ProcessorInput): Promise<Processor> {
      return api.request(
        `${site(siteKey)}/processors${id === null ? '' : `/${encodeURIComponent(id)}`}`,
        decoder(processorEnvelopeSchema.transform((b) => b.processor)),
        { method: id === null ? 'POST' : 'PUT', body },
      );
    },
    removeProcessor(siteKey: string, id: string): Promise<void> {
      return api.request(`${site(siteKey)}/processors/${encodeURIComponent(id)}`, () => undefined, {
        method: 'DELETE',
      });
    },
    bannerTexts(siteKey: string, signal?: AbortSignal) {
      return api.request(`${site(siteKey)}/banner-texts`, decoder(bannerTextsResponseSchema), { signal });
    },
    saveBannerTexts(siteKey: string, language: string, texts: Record<string, string>) {
      return api.request(
        `${site(siteKey)}/banner-texts/${encodeURIComponent(language)}`,
        decoder(bannerTextsEntrySchema),
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
        decoder(subjectRequestEnvelopeSchema.transform((b): RequestWithStatus => b.request)),
        { method: 'POST', body },
      );
    },
  };
}
export type ComplianceApi = ReturnType<typeof complianceApi>;
