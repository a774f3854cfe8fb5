import { type AlertKind, type AlertView, alertListResponseSchema, alertViewSchema } from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

/** Which alerts the inbox lists: `unresolved` is open and acknowledged together. */
export type InboxStatus = 'unresolved' | 'open' | 'acknowledged' | 'resolved' | 'all';

/** The alert inbox endpoints of docs/alerts.md: list, acknowledge and resolve with a note. */
export function alertInboxApi(api: ApiClient) {
  const act = (act: 'acknowledge' | 'resolve') => (id: string, note: string) =>
    api.request(`/alerts/${encodeURIComponent(id)}/${act}`, decoder(alertViewSchema), {
      method: 'POST',
      body: note.trim() === '' ? {} : { note: note.trim() },
    });
  return {
    list(
      siteKey: string,
      filter: { status: InboxStatus; kind: AlertKind | '' },
      signal?: AbortSignal,
    ): Promise<AlertView[]> {
      const query = new URLSearchParams({ site: siteKey, limit: '200' });
      if (filter.status !== 'all') query.set('status', filter.status);
      if (filter.kind !== '') query.set('kind', filter.kind);
      return api.request(`/alerts?${query}`, decoder(alertListResponseSchema.transform((b) => b.alerts)), {
        signal,
      });
    },
    acknowledge: act('acknowledge'),
    resolve: act('resolve'),
  };
}
export type AlertInboxApi = ReturnType<typeof alertInboxApi>;
