import type { VeilContext } from '../../context.js';
import type { UserRecord } from '../../storage/accounts/UserRepository.js';
import type { OidcIdentity } from './OidcClient.js';
import { mappingForGroups, type OidcMapping, type OidcRoleRule } from './oidcRoleMap.js';

/** SSO users have no usable password: this is not an argon2id hash, so no password ever matches. */
export const NO_PASSWORD = '!sso-only';

/** Why single sign-on refused an account, as the dashboard shows it (`/?sso_error=…`). */
export type SsoRefusal = 'sso_no_role' | 'sso_no_email' | 'sso_link_not_allowed' | 'sso_failed';

type Identity = Pick<OidcIdentity, 'issuer' | 'subject' | 'email' | 'emailVerified' | 'groups'>;

const SSO_ACTOR = { type: 'system' as const, id: null, label: 'sso' };

/**
 * The Veil account of a provider identity, under the account rules:
 * - the groups decide role and sites at every login (`group=role@siteKey`); a user whose rules
 *   name no site gets no sites; unknown site keys give nothing;
 * - the owner is never re-roled (nor re-sited) by the provider, so no provider can demote the
 *   last owner;
 * - an existing password account with the same email is linked only when an admin allowed it for
 *   that account (`veil users allow-sso-link`, or `allowSsoLink` on `PATCH /users/{id}`), once;
 *   the link makes it single sign-on only (its password, TOTP enrolment and sessions end).
 * Every change is in the audit log.
 */
export async function ssoAccount(
  veil: Pick<VeilContext, 'store' | 'clock' | 'audit'>,
  identity: Identity,
  rules: readonly OidcRoleRule[],
): Promise<{ user: UserRecord } | { refused: SsoRefusal }> {
  const { store, clock, audit } = veil;
  const subject = `${identity.issuer}#${identity.subject}`;
  const mapping = mappingForGroups(identity.groups, rules);
  const anonymous = { type: 'anonymous' as const, id: null, label: identity.email ?? null };
  if (!mapping) {
    await audit.record({
      action: 'auth.login_failed',
      actor: anonymous,
      details: { method: 'oidc', reason: 'no_mapped_group', subject },
    });
    return { refused: 'sso_no_role' };
  }
  const siteIds = await siteIdsOf(veil, mapping);

  let user = await store.users.findByOidcSubject(subject);
  if (!user && identity.email && identity.emailVerified) {
    const byEmail = await store.users.findByEmail(identity.email);
    if (byEmail && byEmail.oidcSubject === null) {
      if (!byEmail.ssoLinkAllowed) {
        await audit.record({
          action: 'auth.login_failed',
          actor: anonymous,
          target: { type: 'user', id: byEmail.id },
          details: { method: 'oidc', reason: 'link_not_allowed', subject },
        });
        return { refused: 'sso_link_not_allowed' };
      }
      // From now on only the provider signs this account in: whoever set its password, enrolled its
      // TOTP or holds one of its sessions (its creator, say) must not inherit the role and sites
      // the provider's groups are about to give it.
      user = await store.users.update(byEmail.id, {
        oidcSubject: subject,
        ssoLinkAllowed: false,
        passwordHash: NO_PASSWORD,
      });
      await store.users.resetTotp(byEmail.id);
      const sessionsEnded = await store.authSessions.deleteAllForUser(byEmail.id);
      await audit.record({
        action: 'user.updated',
        actor: SSO_ACTOR,
        target: { type: 'user', id: byEmail.id },
        details: {
          email: byEmail.email,
          changes: [
            { field: 'sso', before: null, after: subject },
            { field: 'password', before: 'set', after: 'none (single sign-on only)' },
            { field: 'totp', before: byEmail.totpEnabledAt !== null, after: false },
          ],
          sessionsEnded,
        },
      });
    }
  }
  if (!user) {
    if (!identity.email) return { refused: 'sso_no_email' };
    const created = await store.users.create({
      email: identity.email,
      role: mapping.role,
      passwordHash: NO_PASSWORD,
      createdAt: clock.now(),
      oidcSubject: subject,
      siteIds,
    });
    if (!created) return { refused: 'sso_failed' }; // the email belongs to another, unlinked user
    await audit.record({
      action: 'user.created',
      actor: SSO_ACTOR,
      target: { type: 'user', id: created.id },
      details: {
        email: created.email,
        role: mapping.role,
        sites: mapping.sites,
        via: 'oidc',
        groups: identity.groups,
      },
    });
    return { user: created };
  }
  // The owner keeps its role and sites whatever the provider says.
  if (user.role === 'owner') return { user };

  const beforeSites = user.allSites ? null : (await store.users.siteIds(user.id)).sort();
  const afterSites = siteIds === null ? null : [...siteIds].sort();
  const changes: { field: string; before: string | string[]; after: string | string[] }[] = [];
  if (user.role !== mapping.role) changes.push({ field: 'role', before: user.role, after: mapping.role });
  if (JSON.stringify(beforeSites) !== JSON.stringify(afterSites))
    changes.push({ field: 'sites', before: beforeSites ?? 'all', after: afterSites ?? 'all' });
  if (changes.length === 0) return { user };
  await audit.record({
    action: 'user.updated',
    actor: SSO_ACTOR,
    target: { type: 'user', id: user.id },
    details: { email: user.email, changes, via: 'oidc groups' },
  });
  return { user: (await store.users.update(user.id, { role: mapping.role, siteIds })) ?? user };
}

/** Site ids of the mapping: `null` for every site; unknown keys are dropped (fewer sites, never more). */
async function siteIdsOf(veil: Pick<VeilContext, 'store'>, mapping: OidcMapping): Promise<string[] | null> {
  if (mapping.sites === 'all') return null;
  const ids: string[] = [];
  for (const key of mapping.sites) {
    const site = await veil.store.sites.findByKey(key);
    if (site) ids.push(site.id);
  }
  return ids;
}
