// scrypt (a memory-hard KDF from node:crypto) with a per-password salt, compared in constant time.
import { randomBytes, timingSafeEqual } from "node:crypto";

import { withHashSlot } from "./hash-queue";
import { scryptOnWorker } from "./hash-worker";

/**
 * Every scrypt of the process goes through the bounded queue (lib/auth/hash-queue.ts) and runs on a
 * low-priority worker thread (lib/auth/hash-worker.ts), never on the event loop's CPU share.
 */
const scrypt = (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number }) =>
  withHashSlot(() => scryptOnWorker(pw, salt, len, opts));
const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = stored?.split("$");
  if (!parts || parts.length !== 6 || parts[0] !== "scrypt") {
    // Burn comparable time so an unknown account is not distinguishable by timing.
    await scrypt(password, randomBytes(16), KEY_LEN, { N, r: R, p: P });
    return false;
  }
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
