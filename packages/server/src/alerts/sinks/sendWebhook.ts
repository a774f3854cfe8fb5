import { createHmac } from 'node:crypto';

/** A webhook receiver that does not answer within this long has failed the attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const SIGNATURE_HEADER = 'x-veil-signature';
export const TIMESTAMP_HEADER = 'x-veil-timestamp';

/** `v1=` HMAC-SHA256 (hex) of `${timestamp}.${body}` under the sink's signing secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly response: string | null,
  ) {
    super(message);
  }
}

/** POSTs the JSON body, signed; resolves with the status, throws `DeliveryError` on anything but 2xx. */
export async function sendWebhook(
  target: { url: string; signingSecret: string },
  body: Record<string, unknown>,
  now: number,
): Promise<string> {
  const json = JSON.stringify(body);
  const timestamp = String(Math.floor(now / 1000));
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Veil-Alerts/1',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: webhookSignature(target.signingSecret, timestamp, json),
      },
      body: json,
      redirect: 'error',
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    throw new DeliveryError(`webhook unreachable: ${(error as Error).message}`, null);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new DeliveryError(`webhook answered ${response.status}`, String(response.status));
  return String(response.status);
}
