import {
  type InventoryItem,
  type InventoryResponse,
  inventoryItemEnvelopeSchema,
  inventoryResponseSchema,
} from '@veil/core';
import type { ApiClient } from '../api/client';
import { decoder } from '../api/decoder';

const site = (siteKey: string) => `/sites/${encodeURIComponent(siteKey)}`;
const itemAnswer = inventoryItemEnvelopeSchema.transform((b): InventoryItem => b.item);

/** The data inventory endpoints of docs/api.md (schemas from `@veil/core`). */
export function inventoryApi(api: ApiClient) {
  return {
    inventory(siteKey: string, signal?: AbortSignal): Promise<InventoryResponse> {
      return api.request(`${site(siteKey)}/inventory`, decoder(inventoryResponseSchema), { signal });
    },
    approve(siteKey: string, itemId: string, note: string): Promise<InventoryItem> {
      return api.request(
        `${site(siteKey)}/inventory/${encodeURIComponent(itemId)}/approve`,
        decoder(itemAnswer),
        { method: 'POST', body: note === '' ? {} : { note } },
      );
    },
    exclude(
      siteKey: string,
      itemId: string,
      reason: string,
      action: 'block' | 'mask',
    ): Promise<InventoryItem> {
      return api.request(
        `${site(siteKey)}/inventory/${encodeURIComponent(itemId)}/exclude`,
        decoder(itemAnswer),
        { method: 'POST', body: { reason, action } },
      );
    },
  };
}
