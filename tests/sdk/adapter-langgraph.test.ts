// The LangGraph adapter (issue 23 item 4) with the real StateGraph, MemorySaver, interrupt() and
// Command({resume}), against the real server: in CRAWL the node interrupts with the proposal and,
// resumed, carries out only what a person accepted, once; in RUN it acts at once.
import { randomUUID } from "node:crypto";
import { Annotation, Command, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";
import { createClient, decideProposal, type CwrClient, type ProposalCreated, type ProposalsContext } from "@cwr/sdk";
import { gatedNode } from "@cwr/sdk/langgraph";

let server: TestServer;
let client: CwrClient;
let helpdesk: ProposalsContext;

beforeAll(async () => {
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

const State = Annotation.Root({
  order: Annotation<string>,
  amount: Annotation<number>,
  outcome: Annotation<string | undefined>,
});
type RefundState = typeof State.State;

/** refund → END, the refund node gated as refund.issue (CRAWL in the demo); records every real refund. */
function refundGraph(c: CwrClient = client) {
  const refunds: Array<Record<string, unknown>> = [];
  const entered: string[] = [];
  const refund = gatedNode<RefundState>(
    c,
    (s) => {
      entered.push(s.order);
      return {
        action: "refund.issue",
        audience: "external",
        subject: `order:${s.order}`,
        summary: `Refund order ${s.order} (${s.amount} EUR)`,
        parameters: { order: s.order, amount: s.amount },
      };
    },
    async (parameters) => {
      refunds.push(parameters);
      return { outcome: `refunded ${String(parameters.amount)}` };
    },
    (result) => ({ outcome: `not refunded: ${result.status}: ${result.reason}` }),
  );
  const graph = new StateGraph(State)
    .addNode("refund", refund)
    .addEdge(START, "refund")
    .addEdge("refund", END)
    .compile({ checkpointer: new MemorySaver() });
  return { graph, refunds, entered };
}

type Interrupted = { __interrupt__?: Array<{ value: { proposal: ProposalCreated } }> };

describe("LangGraph adapter", () => {
  it("CRAWL: interrupts with the proposal; accepted with edits and resumed, it refunds the edit once", async () => {
    const { graph, refunds, entered } = refundGraph();
    const config = { configurable: { thread_id: `t-${randomUUID()}` } };

    const first = (await graph.invoke({ order: "L-1", amount: 80 }, config)) as RefundState & Interrupted;
    expect(first.__interrupt__).toHaveLength(1);
    const proposal = first.__interrupt__![0]!.value.proposal;
    expect(proposal).toMatchObject({ id: expect.any(String), digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(refunds).toEqual([]);

    await decideProposal(helpdesk, proposal.id, {
      decision: "edit",
      parameters: { order: "L-1", amount: 30 },
      decidedBy: "lead-7",
    });
    const resumed = (await graph.invoke(new Command({ resume: { decided: true } }), config)) as RefundState &
      Interrupted;
    expect(entered).toEqual(["L-1", "L-1"]); // the node ran again on resume…
    expect(resumed.__interrupt__).toBeUndefined();
    expect(refunds).toEqual([{ order: "L-1", amount: 30 }]); // …and the accepted call ran once
    expect(resumed.outcome).toBe("refunded 30");
    expect((await client.awaitDecision(proposal.id, { timeoutMs: 0 })).consumedAt).not.toBeNull();

    // Resuming the finished thread again carries nothing out a second time.
    await graph.invoke(new Command({ resume: { decided: true } }), config).catch(() => undefined);
    expect(refunds).toHaveLength(1);
  });

  it("CRAWL: resuming the interrupted checkpoint again (time travel) does not refund twice", async () => {
    const { graph, refunds } = refundGraph();
    const config = { configurable: { thread_id: `t-${randomUUID()}` } };
    const first = (await graph.invoke({ order: "L-5", amount: 12 }, config)) as RefundState & Interrupted;
    const proposal = first.__interrupt__![0]!.value.proposal;
    const interrupted = await graph.getState(config);
    await decideProposal(helpdesk, proposal.id, { decision: "accept", decidedBy: "lead-7" });
    await graph.invoke(new Command({ resume: { decided: true } }), config);
    expect(refunds).toEqual([{ order: "L-5", amount: 12 }]);

    const forked = (await graph.invoke(new Command({ resume: { decided: true } }), interrupted.config)) as RefundState;
    expect(refunds).toHaveLength(1);
    expect(forked.outcome).toMatch(/^not refunded: refused: /);
  });

  it("CRAWL: a rejected proposal is never carried out", async () => {
    const { graph, refunds } = refundGraph();
    const config = { configurable: { thread_id: `t-${randomUUID()}` } };
    const first = (await graph.invoke({ order: "L-2", amount: 500 }, config)) as RefundState & Interrupted;
    const proposal = first.__interrupt__![0]!.value.proposal;
    await decideProposal(helpdesk, proposal.id, {
      decision: "reject",
      reason: "above the refund limit for this order",
      decidedBy: "lead-7",
    });

    const resumed = (await graph.invoke(new Command({ resume: { decided: true } }), config)) as RefundState;
    expect(refunds).toEqual([]);
    expect(resumed.outcome).toBe("not refunded: rejected: above the refund limit for this order");
  });

  it("CRAWL: two threads with the same state get two proposals (the key is the thread's and the node's)", async () => {
    const { graph } = refundGraph();
    const a = (await graph.invoke(
      { order: "L-3", amount: 1 },
      { configurable: { thread_id: `t-${randomUUID()}` } },
    )) as Interrupted;
    const b = (await graph.invoke(
      { order: "L-3", amount: 1 },
      { configurable: { thread_id: `t-${randomUUID()}` } },
    )) as Interrupted;
    expect(a.__interrupt__![0]!.value.proposal.id).not.toBe(b.__interrupt__![0]!.value.proposal.id);
  });

  it("RUN: the node acts at once and reports action.completed", async () => {
    const sent: Array<{ events: Array<Record<string, unknown>> }> = [];
    const recording: typeof fetch = async (input, init) => {
      if (String(input).endsWith("/api/v1/events") && init?.method === "POST")
        sent.push(JSON.parse(String(init.body)) as { events: Array<Record<string, unknown>> });
      return fetch(input, init);
    };
    const runClient = createClient({
      baseUrl: server.baseUrl,
      apiKey: await createKey(server.baseUrl, "support-bot"),
      fetch: recording,
    });
    try {
      expect(await runClient.ready(20_000)).toBe(true);
      expect(runClient.get("ticket.tag")?.tier).toBe("RUN");
      const subject = Array.from({ length: 500 }, (_, i) => `customer:${i}`).find(
        (s) => runClient.decide("ticket.tag", "external", s).allowed,
      );
      expect(subject).toBeDefined();
      const tagged: Array<Record<string, unknown>> = [];
      const S = Annotation.Root({ ticket: Annotation<string>, outcome: Annotation<string | undefined> });
      const graph = new StateGraph(S)
        .addNode(
          "tag",
          gatedNode<typeof S.State>(
            runClient,
            (s) => ({
              action: "ticket.tag",
              audience: "external",
              subject: subject!,
              summary: `Tag ${s.ticket}`,
              parameters: { ticket: s.ticket, tag: "billing" },
            }),
            async (parameters) => {
              tagged.push(parameters);
              return { outcome: "tagged" };
            },
          ),
        )
        .addEdge(START, "tag")
        .addEdge("tag", END)
        .compile({ checkpointer: new MemorySaver() });

      const out = (await graph.invoke({ ticket: "T-4" }, { configurable: { thread_id: `t-${randomUUID()}` } })) as {
        outcome?: string;
      } & Interrupted;
      expect(out.__interrupt__).toBeUndefined();
      expect(out.outcome).toBe("tagged");
      expect(tagged).toEqual([{ ticket: "T-4", tag: "billing" }]);
      await runClient.reporter.flush();
      expect(sent.flatMap((b) => b.events)).toEqual([
        expect.objectContaining({ action: "ticket.tag", kind: "action.completed", tier: "RUN", subjectRef: subject }),
      ]);
      expect(runClient.reporter.stats()).toMatchObject({ accepted: 1, rejected: 0, pending: 0 });
    } finally {
      await runClient.close();
    }
  });
});
