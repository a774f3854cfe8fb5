import * as oidc from 'openid-client';
import type { OidcRoleRule } from './oidcRoleMap.js';
import { groupsFromClaim } from './oidcRoleMap.js';

/** Single sign-on settings (VEIL_OIDC_*), parsed once at boot. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string | undefined;
  /** Where the provider sends the browser back: `…/api/v1/auth/oidc/callback`. */
  redirectUri: string;
  scopes: string;
  /** The claim that lists the user's groups. @default 'groups' */
  groupsClaim: string;
  roleRules: readonly OidcRoleRule[];
  /** The dashboard button's text. */
  label: string;
  /** Count the provider's MFA (`amr` claim) as the second factor Veil demands of some roles. */
  trustProviderMfa: boolean;
}

/** What one login at the provider proves. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  groups: string[];
  /** The provider did multi-factor authentication (`amr` names a second factor). */
  providerMfa: boolean;
}

/** What the browser carries between the redirect out and the callback (state in a cookie, the rest stored). */
export interface OidcPendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** `amr` values (RFC 8176) that mean a second factor took part. */
const MFA_AMR = new Set([
  'mfa',
  'otp',
  'hwk',
  'swk',
  'sc',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
  'sms',
  'tel',
]);

/** Plain-HTTP issuers are accepted only on the loopback interface (a provider on this machine, in tests). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * The relying party, on `openid-client`: authorization code flow with PKCE (S256), state and nonce.
 * The provider's metadata is discovered on first use (a provider that is down does not stop Veil
 * from starting) and kept; a failed discovery is retried on the next login.
 */
export class OidcClient {
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {
    if (settings.issuer.protocol !== 'https:' && !isLoopbackHost(settings.issuer.hostname)) {
      throw new Error('VEIL_OIDC_ISSUER must use https (plain http only for a provider on 127.0.0.1)');
    }
  }

  async #config(): Promise<oidc.Configuration> {
    this.#configuration ??= oidc
      .discovery(
        this.settings.issuer,
        this.settings.clientId,
        this.settings.clientSecret,
        this.settings.clientSecret === undefined ? oidc.None() : undefined,
        this.settings.issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.#configuration = undefined;
        throw error;
      });
    return this.#configuration;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async begin(): Promise<{ url: URL; pending: OidcPendingLogin }> {
    const config = await this.#config();
    const pending: OidcPendingLogin = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /**
   * Redeems the code of the callback URL; checks state, nonce, PKCE and the ID token (issuer,
   * audience, signature, expiry). Claims come from the ID token, completed by the UserInfo endpoint.
   */
  async finish(callbackUrl: URL, pending: OidcPendingLogin): Promise<OidcIdentity> {
    const config = await this.#config();
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the provider returned no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    if (config.serverMetadata().userinfo_endpoint) {
      const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      claims = { ...userInfo, ...idClaims };
      // Groups and email may live only in UserInfo.
      for (const key of [this.settings.groupsClaim, 'email', 'email_verified']) {
        if (claims[key] === undefined && userInfo[key] !== undefined) claims[key] = userInfo[key];
      }
    }
    const amr = Array.isArray(idClaims.amr) ? idClaims.amr : [];
    return {
      issuer: idClaims.iss,
      subject: idClaims.sub,
      email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined,
      emailVerified: claims.email_verified === true,
      groups: groupsFromClaim(claims[this.settings.groupsClaim]),
      providerMfa: amr.some((method) => typeof method === 'string' && MFA_AMR.has(method)),
    };
  }
}
