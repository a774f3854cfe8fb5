import { deviceClassForWidth, pageAllowed, pathMatchesPattern, sanitizeUrl } from '@veil/core';
import { describe, expect, it } from 'vitest';

describe('sanitizeUrl', () => {
  it('drops query string, fragment and credentials', () => {
    expect(sanitizeUrl('https://u:p@shop.example/orders/7?email=a@b.c&utm_source=x#frag')).toBe(
      'https://shop.example/orders/7',
    );
  });
  it('keeps allow-listed parameters', () => {
    expect(sanitizeUrl('https://shop.example/?utm_source=x&token=abc', ['utm_source'])).toBe(
      'https://shop.example/?utm_source=x',
    );
  });
  it('turns garbage into empty', () => {
    expect(sanitizeUrl('not a url')).toBe('');
  });
});

describe('route patterns', () => {
  it('matches segments, wildcards and rests', () => {
    expect(pathMatchesPattern('/orders/123', '/orders/:id')).toBe(true);
    expect(pathMatchesPattern('/orders/123/items', '/orders/:id')).toBe(false);
    expect(pathMatchesPattern('/checkout/pay/card', '/checkout/**')).toBe(true);
    expect(pathMatchesPattern('/students/grades.html', '/students/grade*')).toBe(true);
  });
  it('deny wins over allow; empty allow means all', () => {
    expect(pageAllowed('/a', [], [])).toBe(true);
    expect(pageAllowed('/a', ['/b'], [])).toBe(false);
    expect(pageAllowed('/b', ['/b'], ['/b'])).toBe(false);
  });
});

describe('deviceClassForWidth', () => {
  it('groups by viewport width', () => {
    expect(deviceClassForWidth(375)).toBe('mobile');
    expect(deviceClassForWidth(800)).toBe('tablet');
    expect(deviceClassForWidth(1280)).toBe('desktop');
  });
});
