// The audit list's page cursor, opaque: the seq it resumes from, encrypted (AES-256-GCM, a key derived
// from AUTH_SECRET, so every instance reads every instance's cursors). A plain seq past the seal
// horizon would tell how many sealed entries lie before it (SPEC §3 rule 3, issue 21).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

const key = () => createHash("sha256").update(`audit-cursor\0${authSecret()}`).digest();

/** An opaque cursor: 12 bytes of IV, 16 of tag, 8 of seq (base64url, 48 characters). */
export function sealCursor(seq: bigint): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const plain = Buffer.alloc(8);
  plain.writeBigUInt64BE(seq);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The seq a cursor of ours holds, or null for anything else. */
export function openCursor(cursor: string): bigint | null {
  const raw = Buffer.from(cursor, "base64url");
  if (raw.length !== 36) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).readBigUInt64BE();
  } catch {
    return null;
  }
}
