import { isIdLikeSegment, normalizePagePath, pagePattern } from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('pagePattern', () => {
  it('groups pages of one kind: numbers, UUIDs, hashes, tokens, dates, numbered slugs', () => {
    expect(pagePattern('/orders/123')).toBe('/orders/:id');
    expect(pagePattern('/orders/456')).toBe('/orders/:id');
    expect(pagePattern('/orders/123/items/7')).toBe('/orders/:id/items/:id');
    expect(pagePattern('/u/3f2b8c1e-9d4a-4f6b-8a2e-1c5d7e9f0a3b/settings')).toBe('/u/:id/settings');
    expect(pagePattern('/commit/9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe('/commit/:id');
    expect(pagePattern('/o/507f1f77bcf86cd799439011')).toBe('/o/:id');
    expect(pagePattern('/share/01HGW2N7EHJQX5Z8K3M4P6R9TB')).toBe('/share/:id');
    expect(pagePattern('/reports/2024-03-12')).toBe('/reports/:id');
    expect(pagePattern('/p/blue-shirt-4411')).toBe('/p/:id');
    expect(pagePattern('/users/jane%40example.org')).toBe('/users/:id');
    expect(pagePattern('/users/*******')).toBe('/users/:id');
  });
  it('keeps words: kinds of pages stay apart', () => {
    expect(pagePattern('/')).toBe('/');
    expect(pagePattern('/about')).toBe('/about');
    expect(pagePattern('/blog/how-to-write-a-privacy-policy')).toBe('/blog/how-to-write-a-privacy-policy');
    expect(pagePattern('/v2/docs/getting-started')).toBe('/v2/docs/getting-started');
    expect(pagePattern('/students/portal.html')).toBe('/students/portal.html');
    expect(pagePattern('/products/iphone-15')).toBe('/products/iphone-15');
  });
  it('normalises slashes', () => {
    expect(normalizePagePath('//orders//123/')).toBe('/orders/123');
    expect(pagePattern('/orders/123/')).toBe('/orders/:id');
    expect(pagePattern('')).toBe('/');
  });
  it("applies the site's own patterns first", () => {
    const overrides = ['/blog/:slug', '/docs/**'];
    expect(pagePattern('/blog/how-to-write-a-privacy-policy', overrides)).toBe('/blog/:slug');
    expect(pagePattern('/blog/2024-recap', overrides)).toBe('/blog/:slug');
    expect(pagePattern('/docs/api/v1/errors', overrides)).toBe('/docs/**');
    expect(pagePattern('/orders/9', overrides)).toBe('/orders/:id');
  });
  it('judges single segments', () => {
    expect(isIdLikeSegment('12')).toBe(true);
    expect(isIdLikeSegment('deadbeef')).toBe(false); // hex without a digit: a word
    expect(isIdLikeSegment('cafe1234')).toBe(true);
    expect(isIdLikeSegment('checkout')).toBe(false);
    expect(isIdLikeSegment('')).toBe(false);
    expect(isIdLikeSegment('%E0%A4%A')).toBe(false); // malformed escape: judged raw
  });
});
