// The operator (front-line staff, issue 22): decides suggestions and reads the dashboard, nothing
// else. Admins decide too; no other role does. Through the real mutations on the real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../helpers/db";
import { makeActionType, makeAgent, makeUser } from "../helpers/fixtures";
import { AppError } from "@/lib/errors";
import { createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { DEMO_ACCOUNTS } from "@/lib/auth/demo-accounts";
import type { Role } from "@cwr/gating/permissions";

let database: TestDatabase;
let agent: { id: string; slug: string };
let actionTypeId: string;
let action: string;
let n = 0;

beforeAll(async () => {
  database = await testDatabase();
  agent = await makeAgent(database.prisma);
  const at = await makeActionType(database.prisma, agent.id);
  actionTypeId = at.id;
  action = at.key;
}, 60_000);
afterAll(() => database?.close());

const propose = async () =>
  (
    await createProposal(database.prisma, agent, {
      idempotencyKey: `op-${++n}`,
      action,
      audience: "external",
      subject: "customer:9",
      summary: "Refund order A-9",
      parameters: { amount: 20 },
    })
  ).proposal;

async function codeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

describe("the operator role", () => {
  it("decides a suggestion: the outcome is attributed to the operator", async () => {
    const operator = await makeUser(database.prisma, "operator" as Role);
    expect(operator.role).toBe("operator");
    const proposal = await propose();
    const decided = await decideSuggestion(database.prisma, operator, proposal.id, {
      type: "edit",
      parameters: { amount: 15 },
    });
    expect(decided.status).toBe("edited");
    expect(decided.decision?.decidedBy?.id).toBe(operator.id);
    const events = await database.prisma.outcomeEvent.findMany({ where: { agentId: agent.id } });
    expect(events.filter((e) => e.source === `person:${operator.id}`)).toHaveLength(1);
  });

  it("may not open a promotion request (nothing but suggestions changes)", async () => {
    const operator = await makeUser(database.prisma, "operator" as Role);
    expect(await codeOf(openPromotionRequest(database.prisma, operator, { actionTypeId, kind: "promotion" }))).toBe(
      "forbidden_role",
    );
  });

  it.each(["viewer", "reviewer", "auditor"] as const)("is not given to a %s: the decision is refused", async (role) => {
    const person = await makeUser(database.prisma, role);
    const proposal = await propose();
    expect(await codeOf(decideSuggestion(database.prisma, person, proposal.id, { type: "accept" }))).toBe("forbidden");
  });

  it("has a demo account", () => {
    expect(DEMO_ACCOUNTS).toContainEqual(expect.objectContaining({ email: "operator@demo.local", role: "operator" }));
  });
});
