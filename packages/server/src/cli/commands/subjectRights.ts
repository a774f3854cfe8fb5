import type { AuditLog } from '../../audit/AuditLog.js';
import { cliActor } from '../../audit/auditActor.js';
import { verifyMasterKey } from '../../bootstrap/verifyMasterKey.js';
import { systemClock } from '../../clock.js';
import type { VeilConfig } from '../../config/config.js';
import { EnvelopeCipher } from '../../crypto/EnvelopeCipher.js';
import { loadMasterKey } from '../../crypto/masterKey.js';
import { VeilError } from '../../errors/VeilError.js';
import type { Store } from '../../storage/Store.js';
import type { SiteRecord } from '../../storage/sites/SiteRepository.js';
import type { SubjectRightsDeps } from '../../subjects/eraseSubject.js';
import { loadIdentitySecret } from '../../subjects/identitySecret.js';
import { SubjectHasher } from '../../subjects/SubjectHasher.js';
import { withAuditLog } from './auditCommand.js';
import type { CliIo } from './shared.js';

export interface CliSubjectContext {
  deps: SubjectRightsDeps & { audit: AuditLog };
  site: SiteRecord;
  store: Store;
  config: VeilConfig;
  /** The master key's cipher, for reading recordings (export). */
  cipher: () => Promise<EnvelopeCipher>;
}

/**
 * Runs a data-subject command with the server's store, audit log and identity secret (the same
 * files or variables as the server: a user id hashes alike here and at ingest).
 */
export function withSubjectRights<T>(
  io: CliIo,
  siteKey: string,
  work: (ctx: CliSubjectContext) => Promise<T>,
): Promise<T> {
  return withAuditLog(io, async (store, audit, config) => {
    const site = await store.sites.findByKey(siteKey);
    if (!site) throw new VeilError('unknown_site', `no site has the key ${siteKey}`);
    const identity = await loadIdentitySecret(config.identitySecret, config.dataDir);
    for (const warning of identity.warnings) io.err(`warning: ${warning}`);
    const deps = { store, clock: systemClock, hasher: new SubjectHasher(identity.secret), audit };
    const cipher = async () => {
      const c = new EnvelopeCipher((await loadMasterKey(config.masterKey, config.dataDir)).key);
      await verifyMasterKey(store, c); // refuses a master key other than the server's
      return c;
    };
    return work({ deps, site, store, config, cipher });
  });
}

export const CLI_ACTOR = cliActor();
