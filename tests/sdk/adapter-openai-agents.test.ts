// The OpenAI Agents SDK adapter (issue 23 item 4) with the real `@openai/agents` Runner, a scripted
// model (no network, no key) and the real server: in CRAWL the run's interruption carries the
// proposal and approving it runs only what a person accepted, once; in RUN the tool just runs and
// its outcome is reported.
import { randomUUID } from "node:crypto";
import {
  Agent,
  Runner,
  RunState,
  setTracingDisabled,
  tool,
  Usage,
  type Model,
  type RunToolApprovalItem,
} from "@openai/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createKey, startServer, type TestServer } from "../helpers/server";
import { createClient, decideProposal, type CwrClient, type ProposalsContext } from "@cwr/sdk";
import { createToolGate } from "@cwr/sdk/openai-agents";

let server: TestServer;
let client: CwrClient;
let helpdesk: ProposalsContext;

beforeAll(async () => {
  setTracingDisabled(true);
  server = await startServer({ JOBS: "off" });
  client = createClient({ baseUrl: server.baseUrl, apiKey: await createKey(server.baseUrl, "support-bot") });
  expect(await client.ready(20_000)).toBe(true);
  helpdesk = {
    baseUrl: server.baseUrl,
    apiKey: await createKey(server.baseUrl, "support-bot", "helpdesk", "reporter"),
    fetch,
    now: Date.now,
  };
}, 180_000);
afterAll(async () => {
  await client?.close();
  await server?.stop();
});

/** A model that first calls `name` with `args` (one function call), then answers in text. */
function scriptedModel(name: string, args: Record<string, unknown>): Model & { seen: unknown[][] } {
  let turn = 0;
  const seen: unknown[][] = [];
  return {
    seen,
    async getResponse(request) {
      seen.push(Array.isArray(request.input) ? request.input : [request.input]);
      turn += 1;
      const output =
        turn === 1
          ? [
              {
                type: "function_call" as const,
                callId: `call_${randomUUID()}`,
                name,
                arguments: JSON.stringify(args),
                status: "completed" as const,
              },
            ]
          : [
              {
                type: "message" as const,
                role: "assistant" as const,
                status: "completed" as const,
                content: [{ type: "output_text" as const, text: "done" }],
              },
            ];
      return { output, usage: new Usage() };
    },
    async *getStreamedResponse() {
      throw new Error("the scripted model does not stream");
    },
  };
}

const refundArgs = z.object({ order: z.string(), amount: z.number(), customer: z.string() });
type RefundArgs = z.infer<typeof refundArgs>;

/** A refund tool gated as refund.issue (CRAWL in the demo) that records every refund it really makes. */
function refundSetup() {
  const refunds: RefundArgs[] = [];
  const gate = createToolGate<RefundArgs>(client, {
    action: "refund.issue",
    audience: "external",
    subject: (a) => `customer:${a.customer}`,
    summary: (a) => `Refund order ${a.order} (${a.amount} EUR)`,
  });
  const refund = tool(
    gate.wrap({
      name: "refund",
      description: "Refunds an order.",
      parameters: refundArgs,
      execute: async (a: RefundArgs) => {
        refunds.push(a);
        return `refunded ${a.amount} on ${a.order}`;
      },
    }),
  );
  return { refunds, gate, refund };
}

function toolOutputs(model: { seen: unknown[][] }): string[] {
  return model.seen
    .flat()
    .filter((i): i is { type: string; output: unknown } => (i as { type?: string }).type === "function_call_result")
    .map((i) => JSON.stringify(i.output));
}

describe("OpenAI Agents adapter", () => {
  it("CRAWL: the interruption carries the proposal; approving after a person edited it runs the edit once", async () => {
    const { refunds, gate, refund } = refundSetup();
    const model = scriptedModel("refund", { order: "B-1", amount: 40, customer: "c-1" });
    const agent = new Agent({ name: "support", instructions: "Help.", tools: [refund], model });
    const runner = new Runner();

    const first = await runner.run(agent, "Refund B-1 please");
    expect(first.interruptions).toHaveLength(1);
    const interruption = first.interruptions[0] as RunToolApprovalItem;
    const suggestion = await gate.proposalOf(interruption);
    expect(suggestion).toMatchObject({
      status: "suggested",
      proposal: { id: expect.any(String), digest: expect.stringMatching(/^[0-9a-f]{64}$/), status: "pending" },
    });
    if (suggestion?.status !== "suggested") throw new Error("no proposal");
    const { proposal } = suggestion;
    expect((await gate.proposalOf(interruption))?.status === "suggested" && proposal.id).toBe(proposal.id);
    expect(refunds).toEqual([]);

    const decided = await decideProposal(helpdesk, proposal.id, {
      decision: "edit",
      parameters: { order: "B-1", amount: 25, customer: "c-1" },
      decidedBy: "agent-lead-1",
    });
    expect(decided.status).toBe("edited");

    first.state.approve(interruption);
    const second = await runner.run(agent, first.state);
    expect(second.interruptions).toHaveLength(0);
    expect(refunds).toEqual([{ order: "B-1", amount: 25, customer: "c-1" }]);
    expect(toolOutputs(model).join()).toContain("refunded 25 on B-1");
    const after = await client.awaitDecision(proposal.id, { timeoutMs: 0 });
    expect(after.consumedAt).not.toBeNull();
  });

  it("CRAWL: a rejected proposal never runs, even when the host approves the interruption", async () => {
    const { refunds, gate, refund } = refundSetup();
    const model = scriptedModel("refund", { order: "B-2", amount: 99, customer: "c-2" });
    const agent = new Agent({ name: "support", instructions: "Help.", tools: [refund], model });
    const runner = new Runner();

    const first = await runner.run(agent, "Refund B-2");
    const interruption = first.interruptions[0] as RunToolApprovalItem;
    const suggestion = await gate.proposalOf(interruption);
    if (suggestion?.status !== "suggested") throw new Error("no proposal");
    await decideProposal(helpdesk, suggestion.proposal.id, {
      decision: "reject",
      reason: "outside the refund policy",
      decidedBy: "agent-lead-1",
    });

    first.state.approve(interruption);
    const second = await runner.run(agent, first.state);
    expect(second.interruptions).toHaveLength(0);
    expect(refunds).toEqual([]);
    expect(toolOutputs(model).join()).toMatch(/rejected/i);
    expect(toolOutputs(model).join()).toContain("outside the refund policy");
  });

  it("CRAWL: approving before a person decided runs nothing and says it is pending", async () => {
    const { refunds, refund } = refundSetup();
    const model = scriptedModel("refund", { order: "B-3", amount: 5, customer: "c-3" });
    const agent = new Agent({ name: "support", instructions: "Help.", tools: [refund], model });
    const runner = new Runner();

    const first = await runner.run(agent, "Refund B-3");
    first.state.approve(first.interruptions[0] as RunToolApprovalItem);
    const second = await runner.run(agent, first.state);
    expect(second.finalOutput).toBe("done");
    expect(refunds).toEqual([]);
    expect(toolOutputs(model).join()).toMatch(/pending/i);
  });

  it("CRAWL: accepted parameters that do not fit the tool's schema never reach the tool", async () => {
    const { refunds, gate, refund } = refundSetup();
    const model = scriptedModel("refund", { order: "B-5", amount: 15, customer: "c-5" });
    const agent = new Agent({ name: "support", instructions: "Help.", tools: [refund], model });
    const first = await new Runner().run(agent, "Refund B-5");
    const interruption = first.interruptions[0] as RunToolApprovalItem;
    const suggestion = await gate.proposalOf(interruption);
    if (suggestion?.status !== "suggested") throw new Error("no proposal");
    await decideProposal(helpdesk, suggestion.proposal.id, {
      decision: "edit",
      parameters: { order: "B-5", amount: "all of it", customer: "c-5" },
      decidedBy: "agent-lead-1",
    });

    first.state.approve(interruption);
    await new Runner().run(agent, first.state);
    expect(refunds).toEqual([]);
    expect(toolOutputs(model).join()).toMatch(/schema/i);
  });

  it("CRAWL: a run restored elsewhere carries out the accepted call once; replaying the approved state runs nothing", async () => {
    const a = refundSetup();
    const model = scriptedModel("refund", { order: "B-4", amount: 60, customer: "c-4" });
    const agentA = new Agent({ name: "support", instructions: "Help.", tools: [a.refund], model });
    const first = await new Runner().run(agentA, "Refund B-4");
    const suggestion = await a.gate.proposalOf(first.interruptions[0] as RunToolApprovalItem);
    if (suggestion?.status !== "suggested") throw new Error("no proposal");
    const saved = first.state.toString(); // process A stops here
    await decideProposal(helpdesk, suggestion.proposal.id, { decision: "accept", decidedBy: "agent-lead-1" });

    // Process B: another gate, the run restored from its serialized state.
    const b = refundSetup();
    const agentB = new Agent({ name: "support", instructions: "Help.", tools: [b.refund], model });
    const restored = await RunState.fromString(agentB, saved);
    const interruption = restored.getInterruptions()[0] as RunToolApprovalItem;
    const again = await b.gate.proposalOf(interruption);
    expect(again?.status === "suggested" && again.proposal.id).toBe(suggestion.proposal.id);
    restored.approve(interruption);
    const approvedState = restored.toString();
    await new Runner().run(agentB, restored);
    expect(b.refunds).toEqual([{ order: "B-4", amount: 60, customer: "c-4" }]);

    // Process C replays the approved state: the grant is used, nothing runs.
    const c = refundSetup();
    const agentC = new Agent({ name: "support", instructions: "Help.", tools: [c.refund], model });
    await new Runner().run(agentC, await RunState.fromString(agentC, approvedState));
    expect([...a.refunds, ...c.refunds]).toEqual([]);
    expect(toolOutputs(model).join()).toMatch(/refused/i);
  });

  it("RUN: the tool runs without an interruption and action.completed is stored", async () => {
    // A client of its own whose requests are recorded on the wire (the real fetch does them).
    const sent: Array<{ events: Array<Record<string, unknown>> }> = [];
    const answers: Array<{ accepted: number; rejected: number }> = [];
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input).endsWith("/api/v1/events") && init?.method === "POST") {
        sent.push(JSON.parse(String(init.body)) as { events: Array<Record<string, unknown>> });
        answers.push((await res.clone().json()) as { accepted: number; rejected: number });
      }
      return res;
    };
    const runClient = createClient({
      baseUrl: server.baseUrl,
      apiKey: await createKey(server.baseUrl, "support-bot"),
      fetch: recording,
    });
    try {
      expect(await runClient.ready(20_000)).toBe(true);
      expect(runClient.get("ticket.tag")?.tier).toBe("RUN");
      // RUN acts on external subjects through the slider: pick a subject inside it.
      const subject = Array.from({ length: 500 }, (_, i) => `customer:${i}`).find(
        (s) => runClient.decide("ticket.tag", "external", s).allowed,
      );
      expect(subject).toBeDefined();
      const tagged: Array<{ ticket: string; tag: string }> = [];
      const gate = createToolGate<{ ticket: string; tag: string }>(runClient, {
        action: "ticket.tag",
        audience: "external",
        subject: () => subject!,
        summary: (a) => `Tag ${a.ticket} ${a.tag}`,
      });
      const tagTool = tool(
        gate.wrap({
          name: "tag",
          description: "Tags a ticket.",
          parameters: z.object({ ticket: z.string(), tag: z.string() }),
          execute: async (a: { ticket: string; tag: string }) => {
            tagged.push(a);
            return `tagged ${a.ticket}`;
          },
        }),
      );
      const model = scriptedModel("tag", { ticket: "T-9", tag: "billing" });
      const agent = new Agent({ name: "support", instructions: "Help.", tools: [tagTool], model });

      const result = await new Runner().run(agent, "Tag T-9");
      expect(result.interruptions).toHaveLength(0);
      expect(result.finalOutput).toBe("done");
      expect(tagged).toEqual([{ ticket: "T-9", tag: "billing" }]);
      await runClient.reporter.flush();
      expect(sent.flatMap((b) => b.events)).toEqual([
        expect.objectContaining({ action: "ticket.tag", kind: "action.completed", tier: "RUN", subjectRef: subject }),
      ]);
      expect(answers).toEqual([expect.objectContaining({ accepted: 1, rejected: 0 })]);
    } finally {
      await runClient.close();
    }
  });
});
