import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";
import type { PolicyRules } from "@cwr/gating/types";
import { policyRulesSchema } from "./schema";

type Reader = Db | Tx;

export interface PolicyDto {
  id: string;
  actionTypeId: string;
  version: number;
  rules: PolicyRules;
  reason: string;
  createdAt: string;
  createdBy: string | null;
}

const select = {
  id: true,
  actionTypeId: true,
  version: true,
  rules: true,
  reason: true,
  createdAt: true,
  createdBy: { select: { name: true } },
} as const;

function toDto(row: {
  id: string;
  actionTypeId: string;
  version: number;
  rules: unknown;
  reason: string;
  createdAt: Date;
  createdBy: { name: string } | null;
}): PolicyDto {
  // Stored rules were validated on write; parsing again guards against a hand-edited row.
  return {
    id: row.id,
    actionTypeId: row.actionTypeId,
    version: row.version,
    rules: policyRulesSchema.parse(row.rules),
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy?.name ?? null,
  };
}

export async function currentPolicy(db: Reader, actionTypeId: string): Promise<PolicyDto> {
  const row = await db.policy.findFirst({ where: { actionTypeId }, orderBy: { version: "desc" }, select });
  if (!row) throw new Error(`action type ${actionTypeId} has no policy`);
  return toDto(row);
}

export async function policyById(db: Reader, id: string): Promise<PolicyDto> {
  return toDto(await db.policy.findUniqueOrThrow({ where: { id }, select }));
}

export async function policyHistory(db: Reader, actionTypeId: string): Promise<PolicyDto[]> {
  const rows = await db.policy.findMany({ where: { actionTypeId }, orderBy: { version: "desc" }, select });
  return rows.map(toDto);
}
