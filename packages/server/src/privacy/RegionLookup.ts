import { readFileSync } from 'node:fs';
import { type CountryResponse, Reader } from 'maxmind';

/** Where a visitor's country comes from, in order: a trusted proxy's header, a MaxMind database. */
export interface RegionLookup {
  /** ISO 3166-1 alpha-2 (upper case), or null when no source knows it. */
  countryOf(request: { clientIp?: string; regionHeaderValue?: string }): string | null;
  /** True when some source is configured (else every country is unknown). */
  readonly configured: boolean;
}

const COUNTRY = /^[A-Z]{2}$/;

/** Header values that name no country: Cloudflare's unknown (`XX`) and Tor (`T1`). */
const NO_COUNTRY = new Set(['XX', 'T1']);

export function countryFromHeader(value: string | undefined): string | null {
  const v = value?.trim().toUpperCase();
  return v && COUNTRY.test(v) && !NO_COUNTRY.has(v) ? v : null;
}

/**
 * A region lookup from the configuration: `VEIL_REGION_HEADER` (a header a trusted proxy sets)
 * and `VEIL_GEOIP_DATABASE` (a MaxMind-format `.mmdb` file: GeoLite2/GeoIP2 Country or City,
 * read once at start). The address is only looked up, never kept.
 */
export function createRegionLookup(options: {
  headerConfigured: boolean;
  databaseFile?: string;
}): RegionLookup {
  const reader = options.databaseFile
    ? new Reader<CountryResponse>(readFileSync(options.databaseFile))
    : undefined;
  return {
    configured: options.headerConfigured || reader !== undefined,
    countryOf({ clientIp, regionHeaderValue }) {
      const fromHeader = countryFromHeader(regionHeaderValue);
      if (fromHeader) return fromHeader;
      if (!reader || !clientIp) return null;
      try {
        // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
        const found = reader.get(clientIp.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, ''));
        const iso = found?.country?.iso_code ?? found?.registered_country?.iso_code;
        return iso && COUNTRY.test(iso.toUpperCase()) ? iso.toUpperCase() : null;
      } catch {
        return null; // not an address the database can look up
      }
    },
  };
}
