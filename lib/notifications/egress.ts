// Webhook egress (SPEC §6): an endpoint's host is resolved when it is added (for a clear error) and
// again at every send; every address it resolves to must be public (lib/gating/egress.ts), unless the
// operator set WEBHOOK_ALLOW_PRIVATE or it is the demo's built-in receiver (allowed by its exact URL).
// The send then connects to the address that was checked (a pinned lookup), so a DNS answer that
// changes between the check and the connection cannot redirect it.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { refusedAddress, refusedHostName } from "@cwr/gating/egress";
import { DEMO_RECEIVER_PATH } from "./demo-receiver-info";
import { publicBaseUrl } from "@/lib/urls/public-url";

export class EgressRefused extends Error {
  override name = "EgressRefused";
}

export interface Address {
  address: string;
  family: 4 | 6;
}

export interface Target {
  url: URL;
  /** the checked addresses the connection may go to (every one the name had, all of them allowed) */
  addresses: Address[];
}

const family = (f: number): 4 | 6 => (f === 6 ? 6 : 4);

export const allowPrivate = (env: NodeJS.ProcessEnv = process.env) =>
  /^(1|true|on|yes)$/i.test(env.WEBHOOK_ALLOW_PRIVATE?.trim() ?? "");

export function isDemoReceiver(url: URL): boolean {
  try {
    return url.href === new URL(publicBaseUrl() + DEMO_RECEIVER_PATH).href;
  } catch {
    return false;
  }
}

/** Resolves and checks an endpoint's URL; throws EgressRefused with the reason in words. */
export async function resolveTarget(raw: string): Promise<Target> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new EgressRefused("only http and https");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const checked = !allowPrivate() && !isDemoReceiver(url);
  const refuse = (what: string, reason: string) => {
    throw new EgressRefused(`not a public address: ${what} is ${reason}`);
  };
  if (isIP(host)) {
    const reason = checked ? refusedAddress(host) : null;
    if (reason) refuse(host, reason);
    return { url, addresses: [{ address: host, family: family(isIP(host)) }] };
  }
  if (checked) {
    const reason = refusedHostName(host);
    if (reason) throw new EgressRefused(`not a public address: ${reason}`);
  }
  let answers: Array<{ address: string; family: number }>;
  try {
    answers = await lookup(host, { all: true, verbatim: true });
  } catch (e) {
    throw new EgressRefused(`cannot resolve ${host} (${(e as NodeJS.ErrnoException).code ?? "lookup failed"})`);
  }
  if (answers.length === 0) throw new EgressRefused(`cannot resolve ${host}`);
  // Every address the name has must be public: a resolver may hand out any of them next time.
  if (checked)
    for (const a of answers) {
      const reason = refusedAddress(a.address);
      if (reason) refuse(`${host} (${a.address})`, reason);
    }
  return { url, addresses: answers.map((a) => ({ address: a.address, family: family(a.family) })) };
}
