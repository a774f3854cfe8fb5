import type { RecordedSelector, SubjectRequestKind, SubjectRequestOrigin } from '@veil/core';

export interface SubjectRequestRecord {
  id: string;
  siteId: string;
  siteKey: string;
  kind: SubjectRequestKind;
  origin: SubjectRequestOrigin;
  selector: RecordedSelector;
  receivedAt: number;
  dueAt: number;
  completedAt: number | null;
  handledBy: string;
  reference: string | null;
  erasureReceiptId: string | null;
  exportBytes: number | null;
}

export interface ErasureReceiptRecord {
  id: string;
  siteId: string;
  siteKey: string;
  selector: RecordedSelector;
  sessions: number;
  chunks: number;
  dataKeysDestroyed: number;
  consentReceipts: number;
  sessionIds: string[];
  requestedBy: string;
  requestId: string | null;
  startedAt: number;
  completedAt: number;
}

export interface SubjectRequestRepository {
  create(request: SubjectRequestRecord): Promise<SubjectRequestRecord>;
  findById(id: string): Promise<SubjectRequestRecord | undefined>;
  complete(
    id: string,
    result: { completedAt: number; erasureReceiptId?: string | null; exportBytes?: number | null },
  ): Promise<void>;
  /** Newest first; `siteId` undefined: every site. */
  list(query: { siteId?: string | undefined; limit: number }): Promise<SubjectRequestRecord[]>;
  addErasureReceipt(receipt: ErasureReceiptRecord): Promise<void>;
  findErasureReceipt(id: string): Promise<ErasureReceiptRecord | undefined>;
  /** Newest first. */
  erasureReceipts(siteId: string, limit: number): Promise<ErasureReceiptRecord[]>;
}
