// The digest that binds a decision to the exact action (SPEC §8): SHA-256 of the RFC 8785 (JCS)
// canonical JSON of {agent, action, audience, subject, parameters}, in lowercase hex. The agent
// computes the same over what it executes (lib/sdk), so a grant fits only those parameters.
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { Audience } from "@cwr/gating/types";

export interface DigestInput {
  /** the agent's slug */
  agent: string;
  action: string;
  audience: Audience;
  subject: string;
  parameters: unknown;
}

export function proposalDigest(p: DigestInput): string {
  const text = canonicalize({
    agent: p.agent,
    action: p.action,
    audience: p.audience,
    subject: p.subject,
    parameters: p.parameters,
  });
  if (text === undefined) throw new TypeError("proposalDigest: the proposal has no JSON form");
  return createHash("sha256").update(text, "utf8").digest("hex");
}
