// The client's address (SPEC §6): decided by a configured number of trusted proxy hops, never by
// whatever X-Forwarded-For a client sends. The server stamps the socket's peer address on every
// request as PEER_HEADER, overwriting any value a client sent (installPeerStamp below, or the custom
// server entry doing the same); TRUST_PROXY=n says that many proxies in front append to
// X-Forwarded-For, so the client is the n-th address from the right of [...X-Forwarded-For, peer].
import http from "node:http";
import { isIP } from "node:net";

export const PEER_HEADER = "x-cwr-peer-address";

export function trustedProxyHops(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.TRUST_PROXY ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

function normalise(address: string | undefined): string | null {
  const a = address
    ?.trim()
    .replace(/^\[|\]$/g, "")
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return a && isIP(a) ? a.toLowerCase() : null;
}

export function clientAddress(headers: Headers, hops = trustedProxyHops()): string {
  const peer = normalise(headers.get(PEER_HEADER) ?? undefined) ?? "unknown";
  if (hops === 0) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  // Fewer entries than trusted hops: the request did not come through the proxies; the peer it is.
  if (chain.length <= hops) return peer;
  return normalise(chain[chain.length - 1 - hops]) ?? peer;
}

const g = globalThis as unknown as { __cwrPeerStamp?: boolean };

/**
 * Stamps every incoming request of this process's HTTP servers with its socket's peer address,
 * before Next (or anything) reads the headers. Installed once at boot; `next start` creates its
 * server in this process and dispatches through Server.prototype.emit.
 */
export function installPeerStamp(): void {
  if (g.__cwrPeerStamp) return;
  g.__cwrPeerStamp = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function patched(this: http.Server, event: string, ...args: unknown[]) {
    if (event === "request") {
      const req = args[0] as http.IncomingMessage;
      req.headers[PEER_HEADER] = req.socket?.remoteAddress ?? "";
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
