// Internal: writes a new immutable policy version. Callers have already decided the change is
// allowed (a tightening, or an approved loosening request).
import type { Tx } from "@/lib/db/client";
import type { PolicyRules } from "@/lib/gating/types";
import { appendAudit, type Actor } from "@/lib/audit/mutations";

export async function writePolicyVersion(
  tx: Tx,
  actor: Actor,
  input: { actionTypeId: string; rules: PolicyRules; reason: string; requestId?: string },
  now: Date,
) {
  const last = await tx.policy.findFirst({
    where: { actionTypeId: input.actionTypeId },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  const version = (last?.version ?? 0) + 1;
  const created = await tx.policy.create({
    data: {
      actionTypeId: input.actionTypeId,
      version,
      rules: input.rules as object,
      reason: input.reason,
      createdById: actor.type === "user" ? actor.id : null,
      createdAt: now,
    },
    select: { id: true, version: true },
  });
  // An approved loosening lets a failed `wilson` look be taken again (SPEC §2); nothing else does.
  if (input.requestId)
    await tx.$executeRaw`UPDATE action_types SET "gateLook" = NULL WHERE id = ${input.actionTypeId}::uuid AND ("gateLook"->>'cleared') = 'false'`;
  await appendAudit(
    tx,
    {
      actor,
      kind: "policy.version_created",
      entityType: "policy",
      entityId: created.id,
      actionTypeId: input.actionTypeId,
      data: { version, reason: input.reason, requestId: input.requestId ?? null, rules: input.rules },
    },
    now,
  );
  return created;
}
