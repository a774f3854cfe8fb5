import {
  type ScanRun,
  type ScanSchedule,
  type ScanScheduleInput,
  scanRunListSchema,
  scanRunResponseSchema,
  scanScheduleResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

/** The scheduled pre-consent scan endpoints of docs/api.md ("Scheduled scans"). */
export function scansApi(api: ApiClient) {
  return {
    schedule(siteKey: string, signal?: AbortSignal): Promise<ScanSchedule> {
      return api.request(
        `${site(siteKey)}/scan-schedule`,
        decoder(scanScheduleResponseSchema.transform((b) => b.schedule)),
        { signal },
      );
    },
    saveSchedule(siteKey: string, input: ScanScheduleInput): Promise<ScanSchedule> {
      return api.request(
        `${site(siteKey)}/scan-schedule`,
        decoder(scanScheduleResponseSchema.transform((b) => b.schedule)),
        { method: 'PUT', body: input },
      );
    },
    runs(siteKey: string, signal?: AbortSignal): Promise<ScanRun[]> {
      return api.request(
        `${site(siteKey)}/scans?limit=20`,
        decoder(scanRunListSchema.transform((b) => b.runs)),
        {
          signal,
        },
      );
    },
    runNow(siteKey: string): Promise<ScanRun> {
      return api.request(`${site(siteKey)}/scans`, decoder(scanRunResponseSchema.transform((b) => b.run)), {
        method: 'POST',
      });
    },
  };
}
export type ScansApi = ReturnType<typeof scansApi>;
