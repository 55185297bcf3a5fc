// What an API key's secret looks like and how it is stored (SHA-256): read by the lookup (data.ts)
// and by key creation (mutations.ts), kept apart so the two do not import each other.
import { createHash, randomBytes } from "node:crypto";

export const KEY_PREFIX = "cwr_";

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A new 256-bit secret with the product's prefix. */
export function newKeySecret(): string {
  return KEY_PREFIX + randomBytes(32).toString("base64url");
}
