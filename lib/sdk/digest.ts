// The digest that binds a grant to the exact action (SPEC §8), as the server computes it
// (lib/proposals/digest.ts): SHA-256 of the RFC 8785 canonical JSON of
// {agent, action, audience, subject, parameters}, in lowercase hex. WebCrypto, so it runs wherever
// the SDK does.
import canonicalize from "canonicalize";
import type { Audience } from "./types";

export interface ActionDigestInput {
  agent: string;
  action: string;
  audience: Audience;
  subject: string;
  parameters: unknown;
}

export async function actionDigest(p: ActionDigestInput): Promise<string> {
  const text = canonicalize({
    agent: p.agent,
    action: p.action,
    audience: p.audience,
    subject: p.subject,
    parameters: p.parameters,
  });
  if (text === undefined) throw new TypeError("actionDigest: the action has no JSON form");
  const hash = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
}
