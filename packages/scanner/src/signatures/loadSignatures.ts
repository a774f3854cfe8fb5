import { readFileSync } from 'node:fs';
import { type SignatureFile, signatureFileSchema } from './signatureSchema.js';

/** The signature file shipped with the scanner (same relative place from `src/` and `dist/`). */
export const BUNDLED_SIGNATURES_URL = new URL('../../data/signatures.json', import.meta.url);

/** Thrown when a signature file is not JSON or not of the schema; the message names the problem. */
export class SignatureFileError extends Error {
  override name = 'SignatureFileError';
}

/** Parses a signature file's text; throws `SignatureFileError` naming the first problems. */
export function parseSignatures(text: string, source = 'signature file'): SignatureFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SignatureFileError(`${source} is not JSON: ${(error as Error).message}`);
  }
  const parsed = signatureFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new SignatureFileError(`${source} is not a valid signature file: ${issues}`);
  }
  return parsed.data;
}

/** Reads and validates a signature file; the bundled one when `file` is absent. */
export function loadSignatures(file?: string | URL): SignatureFile {
  const where = file ?? BUNDLED_SIGNATURES_URL;
  return parseSignatures(readFileSync(where, 'utf8'), String(where));
}
