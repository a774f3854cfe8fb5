import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ORIGIN, startTestApp, type TestApp, writeFixture } from '../support/testApp.js';

describe('site configuration endpoint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serves the effective configuration with ETag, 304 and max-age=60', async () => {
    const url = `/r/v1/sites/${t.site.siteKey}/config`;
    const res = await t.app.inject({ url, headers: { origin: SITE_ORIGIN } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      siteKey: t.site.siteKey,
      lawfulBasis: 'consent',
      samplingPercent: 100,
      policy: { preset: 'strict', minSessionMs: 3000, samplingPercent: 100, ipBlockList: [] },
    });
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    expect(res.headers.vary).toContain('Origin');
    const etag = res.headers.etag;
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await t.app.inject({
      url,
      headers: { 'if-none-match': String(etag), origin: SITE_ORIGIN },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
  });

  it('gives other origins no CORS access and unknown keys a 404', async () => {
    const res = await t.app.inject({
      url: `/r/v1/sites/${t.site.siteKey}/config`,
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: `/r/v1/sites/${t.site.siteKey}/config`,
      headers: { origin: SITE_ORIGIN },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(SITE_ORIGIN);
    const unknown = await t.app.inject({ url: '/r/v1/sites/unknown_key_123/config' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('unknown_site');
  });

  it('answers /healthz', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('static files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { VEIL_DEMO: 'true', PORT: '18999' } });
    const d = path.join(t.dir, 'dashboard');
    writeFixture(d, 'index.html', '<!doctype html><title>Veil dashboard</title>');
    writeFixture(d, 'assets/app-1234.js', 'console.log("dashboard")');
    writeFixture(d, 'favicon.svg', '<svg/>');
    writeFixture(path.join(t.dir, 'recorder'), 'loader.js', '/* loader */');
    writeFixture(path.join(t.dir, 'recorder'), 'banner.js', '/* banner */');
    writeFixture(path.join(t.dir, 'recorder'), 'redact.js', '/* redact */');
    writeFixture(path.join(t.dir, 'recorder'), 'loader.js.map', '{}');
    writeFixture(
      path.join(t.dir, 'demo'),
      'index.html',
      '<script data-site="{{VEIL_SITE_KEY}}"></script>{{VEIL_SITE_KEY}}',
    );
    writeFixture(path.join(t.dir, 'demo'), 'shop/index.html', '<p>{{VEIL_SITE_KEY}}</p>');
    writeFixture(path.join(t.dir, 'demo'), 'style.css', 'body{}');
    writeFixture(t.dir, 'secret.txt', 'outside');
  });
  afterAll(() => t.close());

  it('serves the dashboard with a single-page fallback', async () => {
    const index = await t.app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('Veil dashboard');
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.headers['cache-control']).toBe('no-cache');
    const deep = await t.app.inject({ url: '/sessions/abc?tab=pages' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('Veil dashboard');
    const asset = await t.app.inject({ url: '/assets/app-1234.js' });
    expect(asset.body).toContain('dashboard');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await t.app.inject({ url: '/favicon.svg' })).body).toBe('<svg/>');
  });

  it('keeps API, ingest and recorder paths out of the fallback', async () => {
    for (const url of ['/api/v1/nope', '/r/v1/nope.js', '/ingest/v1/nope', '/api']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const post = await t.app.inject({ method: 'POST', url: '/somewhere' });
    expect(post.statusCode).toBe(404);
    expect(post.json().error.code).toBe('not_found');
  });

  it('refuses path traversal and dotfiles', async () => {
    for (const url of [
      '/..%2Fsecret.txt',
      '/demo/..%2F..%2Fsecret.txt',
      '/demo/%2e%2e/secret.txt',
      '/.env',
    ]) {
      const res = await t.app.inject({ url });
      expect(res.body, url).not.toContain('outside');
    }
  });

  it('serves the recorder files, with CORS for any page, and says when one is not built', async () => {
    const loader = await t.app.inject({ url: '/r/v1/loader.js' });
    expect(loader.statusCode).toBe(200);
    expect(loader.body).toBe('/* loader */');
    expect(loader.headers['content-type']).toMatch(/javascript/);
    expect(loader.headers['access-control-allow-origin']).toBe('*');
    expect(loader.headers['cache-control']).toContain('must-revalidate');
    expect(loader.headers.etag).toBeDefined();
    const banner = await t.app.inject({ url: '/r/v1/banner.js' });
    expect(banner.body).toBe('/* banner */');
    expect(banner.headers['access-control-allow-origin']).toBe('*');
    // recorder.js's lazy chunk (the redaction walk), cached and revalidated like the recorder.
    const redact = await t.app.inject({ url: '/r/v1/redact.js' });
    expect(redact.body).toBe('/* redact */');
    expect(redact.headers['content-type']).toMatch(/javascript/);
    expect(redact.headers['access-control-allow-origin']).toBe('*');
    expect(redact.headers['cache-control']).toBe(loader.headers['cache-control']);
    for (const url of [
      '/r/v1/loader.js.map',
      '/r/v1/.hidden.js',
      '/r/v1/%2e%2e%2fsecret.txt',
      '/r/v1/Banner.js',
    ]) {
      expect((await t.app.inject({ url })).statusCode, url).toBe(404);
    }
    const recorder = await t.app.inject({ url: '/r/v1/recorder.js' });
    expect(recorder.statusCode).toBe(404);
    expect(recorder.json().error.message).toContain('npm run build');
  });

  it('serves the demo site with the demo site key in its HTML', async () => {
    const key = t.app.veil.demoSiteKey;
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const site = await t.app.veil.store.sites.findByKey(key ?? '');
    expect(site?.origins).toEqual(['http://127.0.0.1:18999', 'http://localhost:18999']);
    expect(site?.policy.samplingPercent).toBe(100);
    const page = await t.app.inject({ url: '/demo/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(`<script data-site="${key}"></script>${key}`);
    expect((await t.app.inject({ url: '/demo/shop/' })).body).toBe(`<p>${key}</p>`);
    expect((await t.app.inject({ url: '/demo/style.css' })).body).toBe('body{}');
    const redirect = await t.app.inject({ url: '/demo' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/demo/');
    expect((await t.app.inject({ url: '/demo/missing.html' })).statusCode).toBe(404);
  });
});

describe('an unbuilt dashboard', () => {
  it('answers with a friendly page', async () => {
    const t = await startTestApp();
    try {
      const res = await t.app.inject({ url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build');
      expect((await t.app.inject({ url: '/demo/' })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
