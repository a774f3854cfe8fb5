import {
  type ContentErasureReceipt,
  type ContentScan,
  contentErasureReceiptSchema,
  contentScanSchema,
  type Incident,
  type IncidentDecisionInput,
  type IncidentDetail,
  incidentDetailSchema,
  incidentSchema,
  type NewIncident,
} from '@veil/core';
import { z } from 'zod';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

/** The exposure-incident and content-scan endpoints of docs/incidents.md, with core's schemas. */
export function incidentsApi(api: ApiClient) {
  return {
    list(siteKey: string, signal?: AbortSignal): Promise<Incident[]> {
      return api.request(
        `${site(siteKey)}/incidents`,
        decoder(z.object({ incidents: z.array(incidentSchema) }).transform((b) => b.incidents)),
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
        decoder(z.object({ incident: incidentSchema }).transform((b) => b.incident)),
        { method: 'POST', body },
      );
    },
    decide(siteKey: string, id: string, body: IncidentDecisionInput): Promise<Incident> {
      return api.request(
        `${site(siteKey)}/incidents/${encodeURIComponent(id)}/decision`,
        decoder(z.object({ incident: incidentSchema }).transform((b) => b.incident)),
        { method: 'POST', body },
      );
    },
    /** Starts a content scan linked to the incident; the value goes in this request only. */
    startScan(siteKey: string, incidentId: string, value: string): Promise<ContentScan> {
      return api.request(
        `${site(siteKey)}/content-scans`,
        decoder(z.object({ scan: contentScanSchema }).transform((b) => b.scan)),
        { method: 'POST', body: { value, incidentId } },
      );
    },
    scan(siteKey: string, scanId: string, signal?: AbortSignal): Promise<ContentScan> {
      return api.request(
        `${site(siteKey)}/content-scans/${encodeURIComponent(scanId)}`,
        decoder(z.object({ scan: contentScanSchema }).transform((b) => b.scan)),
        { signal },
      );
    },
    erase(siteKey: string, scanId: string): Promise<ContentErasureReceipt> {
      return api.request(
        `${site(siteKey)}/content-scans/${encodeURIComponent(scanId)}/erase`,
        decoder(
          z
            .object({ receipt: contentErasureReceiptSchema })
            .transform((b): ContentErasureReceipt => b.receipt),
        ),
        { method: 'POST' },
      );
    },
  };
}
export type IncidentsApi = ReturnType<typeof incidentsApi>;
