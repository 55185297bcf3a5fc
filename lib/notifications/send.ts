// One delivery over the wire: a POST to the checked, pinned address (lib/notifications/egress.ts), no
// redirects followed, at most MAX_ANSWER_BYTES of the answer read and then the connection closed.
// What is kept is the status and a short reason in our own words, never the receiver's body: an
// error page may carry its secrets, and admins read the delivery log.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Target } from "./egress";

export const MAX_ANSWER_BYTES = 4 * 1024;

export type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** The reason kept for an HTTP answer that is not a success. */
function statusReason(status: number): string {
  const name = http.STATUS_CODES[status];
  const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
  return `HTTP ${status}${name ? ` ${name}` : ""}${redirect}`;
}

export function postPinned(
  target: Target,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Outcome> {
  // Every connection goes to an address that was checked, whatever DNS says now (all of them when
  // Node tries several, as it does for a name with IPv4 and IPv6 addresses).
  const pinned: LookupFunction = (_host, options, callback) => {
    const cb = callback as (
      e: Error | null,
      a: string | Array<{ address: string; family: number }>,
      f?: number,
    ) => void;
    const first = target.addresses[0]!;
    if ((options as { all?: boolean }).all) cb(null, target.addresses);
    else cb(null, first.address, first.family);
  };
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<Outcome>((resolve) => {
    let settled: Outcome | null = null;
    let answered: Outcome | null = null; // the status, once the headers are in
    const done = (o: Outcome) => {
      if (settled) return;
      settled = o;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const req = client.request(target.url, {
      method: "POST",
      agent: false,
      lookup: pinned,
      headers: {
        ...headers,
        "user-agent": "crawl-walk-run-webhooks/1",
        "content-length": String(Buffer.byteLength(body)),
      },
    });
    const timer = setTimeout(
      () => done(answered ?? { ok: false, status: null, error: `not delivered: no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      const outcome: Outcome =
        status >= 200 && status < 300 ? { ok: true, status } : { ok: false, status, error: statusReason(status) };
      answered = outcome;
      // Read a few KiB at most (so a well-behaved receiver sees its answer taken), then hang up.
      let read = 0;
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_ANSWER_BYTES) done(outcome);
      });
      res.on("end", () => done(outcome));
      res.on("error", () => done(outcome));
    });
    req.on("error", (e: NodeJS.ErrnoException) =>
      done({ ok: false, status: null, error: `not delivered: ${e.code ?? e.message}` }),
    );
    req.end(body);
  });
}
