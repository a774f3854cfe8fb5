import { createHmac } from 'node:crypto';
import type { DemoDataSelector, RecordedSelector, SubjectSelector } from '@veil/core';

/**
 * Keyed hashes of user ids: HMAC-SHA256 under the instance's identity secret. The same user id
 * gives the same hash on every site of the instance (an instance-wide opt-out or erasure can
 * find it), and nobody without the secret can test a guess.
 */
export class SubjectHasher {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('the identity secret must be at least 32 bytes');
    this.#secret = Buffer.from(secret);
  }

  /**
   * The bit a visitor sets in the visitor bitmaps of heatmap aggregates (`visitorBitmap.ts`): keyed
   * by the identity secret, so nobody without it can tell which bit a visitor id sets.
   */
  heatmapVisitorBit(siteId: string, visitorId: string, bits: number): number {
    const digest = createHmac('sha256', this.#secret)
      .update('veil/heatmap-visitor/v1\0')
      .update(siteId, 'utf8')
      .update('\0')
      .update(visitorId, 'utf8')
      .digest();
    return digest.readUInt32BE(0) % bits;
  }

  /** Lowercase hex HMAC-SHA256 of the user id (domain-separated). */
  userHash(userId: string): string {
    return createHmac('sha256', this.#secret)
      .update('veil/user-id/v1\0')
      .update(userId, 'utf8')
      .digest('hex');
  }

  /**
   * Lowercase hex HMAC-SHA256 of a leaked value or pattern a compliance officer searched for
   * (erasure by content): what scan records and receipts keep instead of the value itself.
   */
  leakedValueHash(kind: 'value' | 'pattern', text: string, caseSensitive: boolean): string {
    return createHmac('sha256', this.#secret)
      .update(`veil/leaked-${kind}/${caseSensitive ? 'cs' : 'ci'}/v1\0`)
      .update(text, 'utf8')
      .digest('hex');
  }

  /** The selector as evidence may name it: a user id only as its hash. */
  record(selector: SubjectSelector | DemoDataSelector): RecordedSelector {
    return selector.kind === 'userId'
      ? { kind: 'userId', userHash: this.userHash(selector.userId) }
      : selector;
  }
}
