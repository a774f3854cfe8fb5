import { randomUUID } from 'node:crypto';
import {
  ATTESTATION_VALIDITY_MS,
  type AuditActor,
  type NewAttestation,
  type ProcessorInput,
} from '@veil/core';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Clock } from '../clock.js';
import { VeilError } from '../errors/VeilError.js';
import type { AttestationRecord, ProcessorRecord } from '../storage/compliance/ComplianceRepository.js';
import type { Store } from '../storage/Store.js';
import type { SiteRecord } from '../storage/sites/SiteRepository.js';

export interface RegisterDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
}

export interface RegisterActor {
  /** An email, a token's name, `cli`. */
  label: string;
  actor: AuditActor;
}

/** Adds a processor to the site's register, or replaces the one with `id` (audited). */
export async function putProcessor(
  deps: RegisterDeps,
  site: SiteRecord,
  input: ProcessorInput,
  by: RegisterActor,
  id?: string,
): Promise<ProcessorRecord> {
  const { store, clock, audit } = deps;
  if (id !== undefined) {
    const existing = await store.compliance.findProcessor(id);
    if (!existing || existing.siteId !== site.id)
      throw new VeilError('not_found', 'no processor has this id on the site');
  }
  const record: ProcessorRecord = {
    ...input,
    id: id ?? `proc_${randomUUID()}`,
    siteId: site.id,
    updatedAt: clock.now(),
    updatedBy: by.label,
  };
  await store.compliance.putProcessor(record);
  await audit.record({
    action: 'compliance.processor_changed',
    actor: by.actor,
    siteKey: site.siteKey,
    target: { type: 'processor', id: record.id },
    details: {
      change: id === undefined ? 'added' : 'updated',
      name: record.name,
      dpaSignedAt: record.dpaSignedAt,
    },
  });
  return record;
}

/** Removes a processor from the site's register (audited). */
export async function deleteProcessor(
  deps: RegisterDeps,
  site: SiteRecord,
  id: string,
  by: RegisterActor,
): Promise<void> {
  const existing = await deps.store.compliance.findProcessor(id);
  if (!existing || existing.siteId !== site.id)
    throw new VeilError('not_found', 'no processor has this id on the site');
  await deps.store.compliance.deleteProcessor(id);
  await deps.audit.record({
    action: 'compliance.processor_changed',
    actor: by.actor,
    siteKey: site.siteKey,
    target: { type: 'processor', id },
    details: { change: 'removed', name: existing.name },
  });
}

/** Records a dated, attributed attestation that counts for a year (audited). */
export async function recordAttestation(
  deps: RegisterDeps,
  site: SiteRecord,
  input: NewAttestation,
  by: RegisterActor,
): Promise<AttestationRecord> {
  const now = deps.clock.now();
  const record: AttestationRecord = {
    id: `att_${randomUUID()}`,
    siteId: site.id,
    kind: input.kind,
    statement: input.statement,
    reference: input.reference ?? null,
    attestedBy: by.label,
    attestedAt: now,
    expiresAt: now + ATTESTATION_VALIDITY_MS,
  };
  await deps.store.compliance.addAttestation(record);
  await deps.audit.record({
    action: 'compliance.attested',
    actor: by.actor,
    siteKey: site.siteKey,
    target: { type: 'attestation', id: record.id },
    details: { kind: record.kind, expiresAt: record.expiresAt },
  });
  return record;
}
