import type { AuditRecordInput } from '../audit/AuditLog.js';
import type { ErasureReceiptRecord } from '../storage/subjects/SubjectRequestRepository.js';
import { eraseSubject, type SubjectRightsDeps } from '../subjects/eraseSubject.js';

/**
 * Erases every session recorded as demo data (the demo sites' sessions), one erasure per demo
 * site like any other erasure: data keys destroyed, rows deleted, the demo visitors' consent
 * receipts with them, an erasure receipt kept and the audit log told. Idempotent: a second run
 * erases nothing and says so in its receipts.
 */
export async function eraseDemoData(
  deps: SubjectRightsDeps,
  input: { requestedBy: string; actor?: AuditRecordInput['actor'] },
): Promise<ErasureReceiptRecord[]> {
  const receipts: ErasureReceiptRecord[] = [];
  for (const site of await deps.store.sites.list()) {
    if (!site.demo) continue;
    const { receipt } = await eraseSubject(deps, {
      site,
      selector: { kind: 'demo' },
      requestedBy: input.requestedBy,
      origin: 'cli',
      actor: input.actor,
      reference: 'veil demo --erase',
    });
    receipts.push(receipt);
  }
  return receipts;
}
