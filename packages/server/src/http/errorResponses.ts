import { ERROR_CODES, type ErrorCode } from '@veil/core';
import { z } from 'zod';
import type { ResponseDoc } from './routePermission.js';

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
    }),
  })
  .meta({ id: 'Error' });

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request (invalid_json, validation_failed, purpose_required, bad_request)',
  401: 'Not logged in and no valid API token (unauthenticated, invalid_credentials)',
  403: 'Not allowed (forbidden, origin_not_allowed)',
  404: 'Not found (not_found, unknown_site)',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Refused as a whole (cohort_too_small)',
  429: 'Too many requests',
  503: 'A dependency is unavailable',
};

/** The error envelope under each of `statuses`, for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, ResponseDoc> {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'Error', schema: errorBodySchema }]),
  );
}
