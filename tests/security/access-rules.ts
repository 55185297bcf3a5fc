// The access table every route and server action must appear in. A new route or action without a
// row here fails tests/security/access-matrix.test.ts: access is decided on purpose, never by default.
import type { Permission } from "@cwr/gating/permissions";

export type Access =
  | { kind: "public" }
  /** reporter: a reporter key (a system of record's, SPEC §8) may call it; on every other key route it is 403 */
  | { kind: "key"; scoped: boolean; reporter?: true }
  /** only a reporter key of the agent (a system of record); the agent's own key is 403 */
  | { kind: "reporter-key" }
  | { kind: "stream-token" }
  | { kind: "session"; permission: Permission }
  | { kind: "catchall" }
  | { kind: "next-auth" };

/** URL template (as the folder names it) → methods → who may call it. `scoped`: takes an action key of the calling agent. */
export const ROUTE_RULES: Record<string, Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Access>>> = {
  "/api/[...path]": { GET: { kind: "catchall" }, POST: { kind: "catchall" } },
  "/ofrep/[...path]": { GET: { kind: "catchall" }, POST: { kind: "catchall" } },
  "/api/auth/[...nextauth]": { GET: { kind: "next-auth" }, POST: { kind: "next-auth" } },
  "/api/health": { GET: { kind: "public" } },
  "/api/ready": { GET: { kind: "public" } },
  "/api/metrics": { GET: { kind: "public" } },
  "/api/demo/webhook-receiver": { POST: { kind: "public" }, GET: { kind: "session", permission: "admin:manage" } },
  "/api/v1/openapi.json": { GET: { kind: "public" } },
  "/api/v1/tiers": { GET: { kind: "key", scoped: false } },
  "/api/v1/tiers/[actionKey]": { GET: { kind: "key", scoped: true } },
  "/api/v1/tiers/stream": { GET: { kind: "key", scoped: false } },
  "/api/v1/decisions": { POST: { kind: "key", scoped: false } },
  "/api/v1/events": { POST: { kind: "key", scoped: false, reporter: true } },
  "/api/v1/proposals": { POST: { kind: "key", scoped: false } },
  "/api/v1/proposals/[id]": { GET: { kind: "key", scoped: false } },
  "/api/v1/proposals/[id]/consume": { POST: { kind: "key", scoped: false } },
  "/api/v1/proposals/[id]/decision": { POST: { kind: "reporter-key" } },
  // the audit log's transparency routes (issue 24): checkpoints, consistency proofs and the verifier key are
  // public (witnesses read them; a cosignature authenticates itself); inclusion proofs are for auditors
  "/api/v1/audit/checkpoint": { GET: { kind: "public" } },
  "/api/v1/audit/cosignatures": { POST: { kind: "public" } },
  "/api/v1/audit/verifier-key": { GET: { kind: "public" } },
  "/api/v1/audit/proof/inclusion": { GET: { kind: "session", permission: "audit:read" } },
  "/api/v1/audit/proof/consistency": { GET: { kind: "public" } },
  "/ofrep/v1/evaluate/flags": { POST: { kind: "key", scoped: false } },
  "/ofrep/v1/evaluate/flags/[key]": { POST: { kind: "key", scoped: true } },
  // OFREP event stream: only the signed token of its URL opens it (no header, key or session does)
  "/ofrep/v1/events": { GET: { kind: "stream-token" } },
  "/api/dashboard/overview": { GET: { kind: "session", permission: "dashboard:read" } },
  "/api/dashboard/action-types/[id]": { GET: { kind: "session", permission: "dashboard:read" } },
  "/api/dashboard/replay": { POST: { kind: "session", permission: "policy:edit" } },
  "/api/dashboard/requests": { GET: { kind: "session", permission: "dashboard:read" } },
  "/api/dashboard/requests/[id]": { GET: { kind: "session", permission: "dashboard:read" } },
  "/api/dashboard/audit": { GET: { kind: "session", permission: "audit:read" } },
  "/api/dashboard/audit/verify": { GET: { kind: "session", permission: "audit:read" } },
  "/api/dashboard/audit/export": { GET: { kind: "session", permission: "audit:export" } },
  "/api/dashboard/audit/checkpoints": { GET: { kind: "session", permission: "audit:read" } },
  "/api/dashboard/audit/witnesses": { GET: { kind: "session", permission: "audit:read" } },
  "/api/dashboard/admin/agents": { GET: { kind: "session", permission: "admin:manage" } },
  "/api/dashboard/admin/agents/[slug]": { GET: { kind: "session", permission: "admin:manage" } },
  "/api/dashboard/admin/keys": { GET: { kind: "session", permission: "admin:manage" } },
  "/api/dashboard/admin/users": { GET: { kind: "session", permission: "admin:manage" } },
  "/api/dashboard/admin/webhooks": { GET: { kind: "session", permission: "admin:manage" } },
  "/api/dashboard/admin/webhooks/[id]/deliveries": { GET: { kind: "session", permission: "admin:manage" } },
  "/api/admin/agents/[slug]/keys": { POST: { kind: "session", permission: "admin:manage" } },
  "/api/admin/keys/[id]": { DELETE: { kind: "session", permission: "admin:manage" } },
  "/api/admin/action-types/[id]/freeze": { POST: { kind: "session", permission: "tier:demote" } },
};

/** Server action export → the permission its wrapper demands. */
export const ACTION_RULES: Record<string, Permission> = {
  demoteAction: "tier:demote",
  freezeAction: "tier:demote",
  openRequestAction: "request:open",
  reviewAction: "request:review",
  withdrawAction: "request:manage",
  applyAction: "request:manage",
  commentAction: "request:comment",
  editPolicyAction: "policy:edit",
  createAgentAction: "admin:manage",
  createActionTypeAction: "admin:manage",
  createApiKeyAction: "admin:manage",
  revokeApiKeyAction: "admin:manage",
  createUserAction: "admin:manage",
  changeRoleAction: "admin:manage",
  setUserDisabledAction: "admin:manage",
  decideRoleGrantAction: "request:review",
  requestContractAdditionAction: "admin:manage",
  decideContractAdditionAction: "request:review",
  withdrawContractAdditionAction: "admin:manage",
  removeContractEntryAction: "admin:manage",
  createWebhookEndpointAction: "admin:manage",
  setWebhookEndpointEnabledAction: "admin:manage",
  addWitnessAction: "admin:manage",
  removeWitnessAction: "admin:manage",
  setWitnessQuorumAction: "admin:manage",
  setRetentionAction: "admin:manage",
  replayDeliveriesAction: "admin:manage",
  replayPolicyAction: "policy:edit",
  decideSuggestionAction: "suggestion:decide",
};
