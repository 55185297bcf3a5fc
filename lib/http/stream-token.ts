// The short-lived, agent-scoped token that lets a plain EventSource (which sends no headers) open
// the OFREP event stream: HMAC-SHA256 over {agent, key, window}, keyed from AUTH_SECRET. Tokens are
// the same for every request of one key within a window, so the bulk answer's stream URL stays put
// (the OFREP web provider keeps its connection while the URL is unchanged), and a token is accepted
// until the end of the window after the one it was issued in (10 to 20 minutes by default).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { authSecret } from "@/lib/auth/secret";

export const TOKEN_WINDOW_SEC = Number(process.env.OFREP_STREAM_TOKEN_WINDOW_SEC ?? 600);

export interface StreamGrant {
  agentId: string;
  keyId: string;
}

let signingKey: Buffer | undefined;
const key = () =>
  (signingKey ??= createHash("sha256").update("cwr ofrep stream token\0").update(authSecret()).digest());

const sign = (payload: string) => createHmac("sha256", key()).update(payload).digest("base64url");

export function tokenWindow(nowMs = Date.now()): number {
  return Math.floor(nowMs / 1000 / TOKEN_WINDOW_SEC);
}

export function issueStreamToken(grant: StreamGrant, nowMs = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ a: grant.agentId, k: grant.keyId, w: tokenWindow(nowMs) })).toString(
    "base64url",
  );
  return `${payload}.${sign(payload)}`;
}

/** The grant of a valid, unexpired token; null for anything else (never throws). */
export function verifyStreamToken(token: string | null | undefined, nowMs = Date.now()): StreamGrant | null {
  if (!token || token.length > 512) return null;
  const dot = token.indexOf(".");
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(sign(payload));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { a, k, w } = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      a?: unknown;
      k?: unknown;
      w?: unknown;
    };
    if (typeof a !== "string" || typeof k !== "string" || typeof w !== "number") return null;
    const now = tokenWindow(nowMs);
    if (w > now || w < now - 1) return null;
    return { agentId: a, keyId: k };
  } catch {
    return null;
  }
}
