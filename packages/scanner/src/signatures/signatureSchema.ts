import { z } from 'zod';

/** What a tracker is for: it decides the severity of a finding (see `severityOf`). */
export const TRACKER_CATEGORIES = ['session_recording', 'analytics', 'advertising', 'tag_manager'] as const;
export type TrackerCategory = (typeof TRACKER_CATEGORIES)[number];

/** `host`, `*.domain` (the domain and its subdomains), optionally followed by `/path-glob`. */
const hostPattern = z
  .string()
  .regex(/^(\*\.)?[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/, 'expected host, *.domain or host/path-glob');
/** A path glob on any host: `*` within one segment, `**` any rest; a leading `**` segment: at any depth. */
const pathPattern = z.string().regex(/^\/\S+$/, 'expected a path starting with /');
/** A cookie, storage key or database name; `*` matches any text. */
const namePattern = z.string().min(1).max(200);

const exemptions = z.strictObject({
  paths: z.array(pathPattern).default([]),
  hosts: z.array(hostPattern).default([]),
  cookies: z.array(namePattern).default([]),
  storage: z.array(namePattern).default([]),
});

export const vendorSignatureSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  category: z.enum(TRACKER_CATEGORIES),
  hosts: z.array(hostPattern).default([]),
  paths: z.array(pathPattern).default([]),
  globals: z.array(z.string().regex(/^[A-Za-z_$][\w$]*$/)).default([]),
  cookies: z.array(namePattern).default([]),
  storage: z.array(namePattern).default([]),
  indexedDb: z.array(namePattern).default([]),
  /** What the vendor may still do once the visitor refused (a refusal being registered, say). */
  exemptAfterReject: exemptions.optional(),
  notes: z.string().optional(),
});
export type VendorSignature = z.infer<typeof vendorSignatureSchema>;

/** The versioned signature data file (`data/signatures.json`). */
export const signatureFileSchema = z
  .strictObject({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'expected a version like 2025.1.0'),
    updated: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    about: z.string().optional(),
    vendors: z.array(vendorSignatureSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    for (const [i, vendor] of file.vendors.entries()) {
      if (seen.has(vendor.id))
        ctx.addIssue({ code: 'custom', path: ['vendors', i, 'id'], message: `duplicate id ${vendor.id}` });
      seen.add(vendor.id);
      const evidence =
        vendor.hosts.length +
        vendor.paths.length +
        vendor.globals.length +
        vendor.cookies.length +
        vendor.storage.length +
        vendor.indexedDb.length;
      if (evidence === 0)
        ctx.addIssue({ code: 'custom', path: ['vendors', i], message: `${vendor.id} matches nothing` });
    }
  });
export type SignatureFile = z.infer<typeof signatureFileSchema>;
