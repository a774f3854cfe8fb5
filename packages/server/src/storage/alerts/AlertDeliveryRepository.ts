export type AlertDeliveryStatus = 'pending' | 'held' | 'digested' | 'delivered' | 'failed';

/** One notification to one sink: an alert, or a digest of held alerts. */
export interface AlertDeliveryRecord {
  id: string;
  siteId: string;
  sinkId: string;
  kind: 'alert' | 'digest';
  alertId: string | null;
  digestAlertIds: string[];
  status: AlertDeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  lastResponse: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface AlertDeliveryRepository {
  insert(delivery: AlertDeliveryRecord): Promise<void>;
  /** Notifications (pending, delivered or failed; not held ones) made for the sink since `since`. */
  countSentSince(sinkId: string, since: number): Promise<number>;
  /** Pending deliveries whose next attempt is due, oldest first. */
  listDue(now: number, limit: number): Promise<AlertDeliveryRecord[]>;
  /**
   * Takes a due delivery for one attempt: moves `next_attempt_at` from `expected` to `leaseUntil`.
   * False when another process took it first.
   */
  claim(id: string, expected: number, leaseUntil: number): Promise<boolean>;
  markDelivered(id: string, attempts: number, response: string | null, at: number): Promise<void>;
  /** A failed attempt: `retryAt` null means no more attempts (status `failed`). */
  markAttemptFailed(
    id: string,
    attempts: number,
    error: string,
    response: string | null,
    retryAt: number | null,
  ): Promise<void>;
  /** Sinks with held deliveries, with the time the oldest was held. */
  heldSinks(): Promise<{ sinkId: string; siteId: string; oldestAt: number }[]>;
  /** Held deliveries of a sink, oldest first. */
  listHeld(sinkId: string): Promise<AlertDeliveryRecord[]>;
  /** Marks held deliveries as covered by a digest; returns how many were still held. */
  markDigested(ids: readonly string[]): Promise<number>;
  /** The delivery log of a site, newest first. */
  list(siteId: string, limit: number): Promise<AlertDeliveryRecord[]>;
}
