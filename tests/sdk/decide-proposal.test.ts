// The SDK for a system of record (issue 22): with a reporter key of the agent, decideProposal decides
// the agent's proposal naming the system's own user; the agent then sees the decision. Real server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startServer, type TestServer } from "../helpers/server";
import { CwrApiError, decideProposal, type ProposalsContext } from "@cwr/sdk";
import { awaitDecision, propose } from "@cwr/sdk/proposals";

let server: TestServer;
let agent: ProposalsContext;
let helpdesk: ProposalsContext;

async function key(scope: "agent" | "reporter"): Promise<string> {
  const cookie = await signInCookie(server.baseUrl, "admin@demo.local");
  const res = await fetch(`${server.baseUrl}/api/admin/agents/support-bot/keys`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify({ name: `sdk-decide-${scope}`, scope }),
  });
  return ((await res.json()) as { secret: string }).secret;
}

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  const ctx = (apiKey: string): ProposalsContext => ({ baseUrl: server.baseUrl, apiKey, fetch, now: Date.now });
  agent = ctx(await key("agent"));
  helpdesk = ctx(await key("reporter"));
}, 180_000);
afterAll(async () => server?.stop());

describe("decideProposal (a system of record's reporter key)", () => {
  it("edits the agent's proposal for its own user; the agent's own key is refused", async () => {
    const p = await propose(agent, {
      idempotencyKey: `sdk-decide-${randomUUID()}`,
      action: "refund.issue",
      audience: "external",
      subject: "customer:77",
      summary: "Refund order C-77 (damaged)",
      parameters: { order: "C-77", amount: 70 },
    });
    const own = await decideProposal(agent, p.id, { decision: "accept", decidedBy: "x" }).catch((e) => e);
    expect(own).toBeInstanceOf(CwrApiError);
    expect((own as CwrApiError).status).toBe(403);
    const decided = await decideProposal(helpdesk, p.id, {
      decision: "edit",
      parameters: { order: "C-77", amount: 35 },
      decidedBy: "zendesk-user-981",
    });
    expect(decided.status).toBe("edited");
    const seen = await awaitDecision(agent, p.id, { timeoutMs: 1000 });
    expect(seen.decision?.parameters).toEqual({ order: "C-77", amount: 35 });
  });
});
