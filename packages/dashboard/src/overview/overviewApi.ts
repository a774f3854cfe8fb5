import { type SignalOverview, signalOverviewSchema } from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

export type { SignalOverview };

export function overviewApi(api: ApiClient) {
  return {
    /** `GET /sites/{siteKey}/signals/overview` over the last `days` days. */
    overview(siteKey: string, days: number, now: number, signal?: AbortSignal): Promise<SignalOverview> {
      const q = new URLSearchParams({ from: String(now - days * 86_400_000), to: String(now) });
      return api.request(
        `/sites/${encodeURIComponent(siteKey)}/signals/overview?${q.toString()}`,
        decoder(signalOverviewSchema),
        { signal },
      );
    },
  };
}
