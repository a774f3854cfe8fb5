import { z } from 'zod';
import { inventoryItemSchema } from '../inventory/inventorySchemas.js';

/** `POST /sites/{siteKey}/inventory/{id}/approve` and `/exclude`: the item as it now stands. */
export const inventoryItemEnvelopeSchema = z.object({ item: inventoryItemSchema });
