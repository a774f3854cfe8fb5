import {
  type ContentErasureReceipt,
  type ContentScan,
  contentErasureResponseSchema,
  contentScanEnvelopeSchema,
  type Incident,
  type IncidentDecisionInput,
  type IncidentDetail,
  incidentDetailSchema,
  incidentEnvelopeSchema,
  incidentListResponseSchema,
  type NewIncident,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

/** The exposure-incident and content-scan endpoints of docs/incidents.md, with core's schemas. */
export function incidentsApi(api: ApiClient) {
  return {
    list(siteKey: string, signal?: AbortSignal): Promise<Incident[]> {
      return api.request(
        `${site(siteKey)}/incidents`,
        decoder(incidentListResponseSchema.transform((b) => b.incidents)),
        { signal },
      );
    },
    show(siteKey: string, id: string, signal?: AbortSignal): Promise<IncidentDetail> {
      return api.request(
        `${site(siteKey)}/incidents/${encodeURIComponent(id)}`,
        decoder(incidentDetailSchema),
        {
          signal,
        },
      );
    },
    create(siteKey: string, body: NewIncident): Promise<Incident> {
      return api.request(
        `${site(siteKey)}/incidents`,
        decoder(incidentEnvelopeSchema.transform((b) => b.incident)),
        { method: 'POST', body },
      );
    },
    decide(siteKey: string, id: string, body: IncidentDecisionInput): Promise<Incident> {
      return api.request(
        `${site(siteKey)}/incidents/${encodeURIComponent(id)}/decision`,
        decoder(incidentEnvelopeSchema.transform((b) => b.incident)),
        { method: 'POST', body },
      );
    },
    /** Starts a content scan linked to the incident; the value goes in this request only. */
    startScan(siteKey: string, incidentId: string, value: string): Promise<ContentScan> {
      return api.request(
        `${site(siteKey)}/content-scans`,
        decoder(contentScanEnvelopeSchema.transform((b) => b.scan)),
        { method: 'POST', body: { value, incidentId } },
      );
    },
    scan(siteKey: string, scanId: string, signal?: AbortSignal): Promise<ContentScan> {
      return api.request(
        `${site(siteKey)}/content-scans/${encodeURIComponent(scanId)}`,
        decoder(contentScanEnvelopeSchema.transform((b) => b.scan)),
        { signal },
      );
    },
    erase(siteKey: string, scanId: string): Promise<ContentErasureReceipt> {
      return api.request(
        `${site(siteKey)}/content-scans/${encodeURIComponent(scanId)}/erase`,
        decoder(contentErasureResponseSchema.transform((b): ContentErasureReceipt => b.receipt)),
        { method: 'POST' },
      );
    },
  };
}
export type IncidentsApi = ReturnType<typeof incidentsApi>;
