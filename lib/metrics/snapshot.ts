// The evidence snapshot a request pins, and its SHA-256: reviewers judge exactly these bytes.
import { canonicalJson } from "@cwr/gating/canonical";
import { sha256Hex } from "@/lib/audit/hash";
import type { LiveEvidence } from "@/lib/metrics/evidence";

export type Snapshot = LiveEvidence;

/** JSON round trip first: what is hashed must be what the database stores and gives back. */
export function pinSnapshot(live: LiveEvidence): { snapshot: Snapshot; hash: string } {
  const snapshot = JSON.parse(JSON.stringify(live)) as Snapshot;
  return { snapshot, hash: sha256Hex(canonicalJson(snapshot)) };
}
