import {
  type AlertDelivery,
  type AlertSinkBodyInput,
  type AlertSinkView,
  alertDeliveryListResponseSchema,
  alertSinkListResponseSchema,
  alertSinkViewSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;

/** The alert sinks and delivery log endpoints of docs/alerts.md (secrets go in, never come back). */
export function alertSinksApi(api: ApiClient) {
  return {
    list(siteKey: string, signal?: AbortSignal): Promise<AlertSinkView[]> {
      return api.request(
        `${site(siteKey)}/alert-sinks`,
        decoder(alertSinkListResponseSchema.transform((b) => b.sinks)),
        { signal },
      );
    },
    /** Creates (`id` null) or replaces a sink; secrets left out of a replacement are kept. */
    save(siteKey: string, id: string | null, body: AlertSinkBodyInput): Promise<AlertSinkView> {
      return api.request(
        `${site(siteKey)}/alert-sinks${id === null ? '' : `/${encodeURIComponent(id)}`}`,
        decoder(alertSinkViewSchema),
        { method: id === null ? 'POST' : 'PUT', body },
      );
    },
    remove(siteKey: string, id: string): Promise<void> {
      return api.request(`${site(siteKey)}/alert-sinks/${encodeURIComponent(id)}`, () => undefined, {
        method: 'DELETE',
      });
    },
    deliveries(siteKey: string, signal?: AbortSignal): Promise<AlertDelivery[]> {
      return api.request(
        `${site(siteKey)}/alert-deliveries?limit=100`,
        decoder(alertDeliveryListResponseSchema.transform((b) => b.deliveries)),
        { signal },
      );
    },
  };
}
export type AlertSinksApi = ReturnType<typeof alertSinksApi>;
