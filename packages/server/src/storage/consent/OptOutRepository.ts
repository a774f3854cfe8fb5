export type OptOutSubject = { kind: 'visitor'; visitorId: string } | { kind: 'user'; userHash: string };

export interface OptOutRecord {
  /** A site id, or `*` for every site. */
  scope: string;
  subject: OptOutSubject;
  source: string;
  createdAt: number;
}

export interface OptOutRepository {
  /** True when the entry is new. */
  add(entry: OptOutRecord): Promise<boolean>;
  /** True when the visitor or any of the user hashes is opted out on this site or instance-wide. */
  isOptedOut(
    siteId: string,
    subject: { visitorId?: string | undefined; userHashes?: readonly string[] },
  ): Promise<boolean>;
  /** The site's entries and the instance-wide ones, newest first. */
  list(siteId: string, limit: number): Promise<OptOutRecord[]>;
  /** Entries naming the visitor or user hash (subject export). */
  forSubject(
    siteId: string,
    subject: { visitorIds: readonly string[]; userHashes: readonly string[] },
  ): Promise<OptOutRecord[]>;
  /** True when it removed the entry. */
  remove(scope: string, subject: OptOutSubject): Promise<boolean>;
}
