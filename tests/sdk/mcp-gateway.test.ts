// The MCP gateway (issue 23 item 3) on both of its transports, with the real MCP SDK client, a real
// downstream MCP server that records what it executes, and the real product server deciding tiers:
// a CRAWL call becomes a suggestion (nothing forwarded); a person's accepted (edited) arguments run
// once through cwr_await_suggestion; a RUN call forwards and its outcome is stored; isError escalates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import { tierForSubject } from "@cwr/gating/slider";
import type { SliderView } from "@cwr/gating/slider";
import { startDownstream, startGateway, type Downstream, type Gateway, type Transport } from "../helpers/mcp-gateway";

let server: TestServer;
let agentKey: string;
let helpdeskKey: string;
let admin: string;

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  agentKey = await createKey(server.baseUrl, "support-bot", "mcp-gateway");
  helpdeskKey = await createKey(server.baseUrl, "support-bot", "mcp-helpdesk", "reporter");
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
}, 180_000);
afterAll(async () => server?.stop());

const TOOLS = {
  tag_ticket: { action: "ticket.tag", audience: "internal", subject: "$.ticket", parameters: ["ticket", "tag"] },
  escalate_ticket: { action: "ticket.escalate", audience: "internal", subject: "$.ticket", parameters: ["ticket"] },
  issue_refund: {
    action: "refund.issue",
    audience: "external",
    subject: "$.customer",
    parameters: ["order", "amount", "customer"],
  },
};

async function api(path: string, init: RequestInit & { key?: string } = {}) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    ...init,
    headers: {
      "content-type": "application/json",
      ...(init.key ? { authorization: `Bearer ${init.key}` } : { cookie: admin }),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The stored evidence of support-bot's action type, as the dashboard reads it. */
async function evidence(action: string): Promise<{ successes: number; trials: number }> {
  const page = (await api(`/api/dashboard/overview?agent=support-bot&q=${encodeURIComponent(action)}`)) as {
    rows: Array<{ id: string; key: string; agentSlug: string }>;
  };
  const row = page.rows.find((r) => r.key === action && r.agentSlug === "support-bot");
  if (!row) throw new Error(`no action type ${action}`);
  const detail = (await api(`/api/dashboard/action-types/${row.id}`)) as {
    live: { evidence: { successes: number; trials: number } };
  };
  return { successes: detail.live.evidence.successes, trials: detail.live.evidence.trials };
}

/** A ticket RUN's slider lets through (outside it RUN acts as WALK, and the outcome is WALK's). */
async function ticketInsideRun(prefix: string): Promise<string> {
  const { tiers } = (await api("/api/v1/tiers", { key: agentKey })) as {
    tiers: Array<{ action: string; tier: "RUN"; slider?: SliderView }>;
  };
  const view = tiers.find((t) => t.action === "ticket.tag");
  if (view?.tier !== "RUN") throw new Error(`ticket.tag is not in RUN: ${JSON.stringify(view)}`);
  for (let i = 0; ; i++)
    if (tierForSubject("RUN", view.slider ?? null, `${prefix}-${i}`).tier === "RUN") return `${prefix}-${i}`;
}

/** Posts an action.reverted naming `key`: accepted only once `key` is a stored action.completed. */
async function revertOf(action: string, key: string): Promise<{ status: string; reason?: string }> {
  const body = (await api("/api/v1/events", {
    key: agentKey,
    method: "POST",
    body: JSON.stringify({
      events: [
        {
          action,
          kind: "action.reverted",
          tier: "RUN",
          reverts: key,
          idempotencyKey: `revert-${key}`,
          occurredAt: new Date().toISOString(),
        },
      ],
    }),
  })) as { results: Array<{ status: string; reason?: string }> };
  return body.results[0]!;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type ToolResult = {
  content: Array<{ type: string; text?: string }>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
};

function textOf(r: ToolResult): string {
  return r.content.map((c) => c.text ?? "").join("\n");
}

function proposalIdOf(r: ToolResult): string {
  const meta = r._meta?.["dev.cwr/gateway"] as { proposal?: { id?: string } } | undefined;
  const id = meta?.proposal?.id;
  if (typeof id !== "string") throw new Error(`no proposal in ${JSON.stringify(r)}`);
  return id;
}

describe.each<Transport>(["stdio", "http"])("cwr-mcp-gateway over %s", (transport) => {
  let downstream: Downstream;
  let gateway: Gateway;

  beforeAll(async () => {
    downstream = await startDownstream(transport);
    gateway = await startGateway(
      transport,
      {
        cwr: { baseUrl: server.baseUrl, apiKeyEnv: "CWR_GATEWAY_TEST_KEY" },
        downstream: downstream.config,
        tools: TOOLS,
        awaitTimeoutSeconds: 5,
      },
      { CWR_GATEWAY_TEST_KEY: agentKey },
    );
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await downstream?.stop();
  });

  const call = (name: string, args: Record<string, unknown>) =>
    gateway.client.callTool({ name, arguments: args }) as Promise<ToolResult>;

  it("lists the downstream's tools unchanged, plus cwr_await_suggestion", async () => {
    const direct = await downstream.connect();
    const expected = (await direct.listTools()).tools;
    await direct.close();
    const listed = (await gateway.client.listTools()).tools;
    expect(listed.slice(0, -1)).toEqual(expected);
    expect(listed.at(-1)).toMatchObject({
      name: "cwr_await_suggestion",
      inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
    });
  });

  it("forwards a RUN call and stores its outcome as action.completed", async () => {
    const ticket = await ticketInsideRun(`T-${transport}`);
    const result = await call("tag_ticket", { ticket, tag: "billing" });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(`tagged ${ticket} with billing`);
    expect(downstream.calls()).toEqual([{ tool: "tag_ticket", arguments: { ticket, tag: "billing" } }]);
    const meta = result._meta?.["dev.cwr/gateway"] as { status: string; tier: string; reported: string };
    expect(meta).toMatchObject({ status: "acted", tier: "RUN", reported: expect.any(String) });
    // The server stores a revert only of a stored action.completed of the same action type (and
    // stores nothing while it knows no such event), so an accepted revert proves the outcome's kind.
    await until(
      () => revertOf("ticket.tag", meta.reported),
      (r) => r.status === "accepted",
      "the completed outcome to be stored",
    );
  });

  it("reports a downstream isError as action.escalated and returns the downstream's result", async () => {
    const before = await evidence("ticket.escalate");
    const result = await call("escalate_ticket", { ticket: `E-${transport}` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`the helpdesk refused to escalate E-${transport}`);
    expect(downstream.calls().filter((c) => c.tool === "escalate_ticket")).toHaveLength(1);
    await until(
      () => evidence("ticket.escalate"),
      (e) => e.trials === before.trials + 1 && e.successes === before.successes,
      "the escalated outcome to be stored",
    );
  });

  it("turns a CRAWL call into a suggestion; the person's edited arguments run once", async () => {
    const customer = `customer:${transport}`;
    const result = await call("issue_refund", { order: `A-${transport}`, amount: 40, customer });
    expect(result.isError).toBeFalsy();
    const id = proposalIdOf(result);
    expect(textOf(result)).toContain(id);
    expect(textOf(result)).toMatch(/suggestion/i);
    expect(textOf(result)).toContain("cwr_await_suggestion");
    expect(downstream.calls().filter((c) => c.tool === "issue_refund")).toEqual([]);

    const pending = await api(`/api/v1/proposals/${id}`, { key: agentKey });
    expect(pending).toMatchObject({
      status: "pending",
      action: "refund.issue",
      audience: "external",
      subject: customer,
      parameters: { order: `A-${transport}`, amount: 40, customer },
    });

    // Not decided yet: awaiting carries nothing out.
    const early = await call("cwr_await_suggestion", { id, waitSeconds: 0 });
    expect(textOf(early)).toMatch(/pending/i);
    expect(downstream.calls().filter((c) => c.tool === "issue_refund")).toEqual([]);

    await api(`/api/v1/proposals/${id}/decision`, {
      key: helpdeskKey,
      method: "POST",
      body: JSON.stringify({
        decision: "edit",
        parameters: { order: `A-${transport}`, amount: 25, customer },
        decidedBy: "helpdesk-user-1",
      }),
    });
    const done = await call("cwr_await_suggestion", { id });
    expect(done.isError).toBeFalsy();
    expect(textOf(done)).toBe(`refunded 25 on A-${transport}`);
    expect(downstream.calls().filter((c) => c.tool === "issue_refund")).toEqual([
      { tool: "issue_refund", arguments: { order: `A-${transport}`, amount: 25, customer } },
    ]);

    const again = await call("cwr_await_suggestion", { id });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/not carried out/i);
    expect(downstream.calls().filter((c) => c.tool === "issue_refund")).toHaveLength(1);
  });

  it("carries out nothing for a rejected suggestion", async () => {
    const result = await call("issue_refund", { order: `R-${transport}`, amount: 90, customer: "customer:r" });
    const id = proposalIdOf(result);
    await api(`/api/v1/proposals/${id}/decision`, {
      key: helpdeskKey,
      method: "POST",
      body: JSON.stringify({
        decision: "reject",
        reason: "outside the refund policy for this order",
        decidedBy: "helpdesk-user-2",
      }),
    });
    const answer = await call("cwr_await_suggestion", { id });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/rejected/i);
    expect(textOf(answer)).toContain("outside the refund policy for this order");
    expect(downstream.calls().filter((c) => c.arguments.order === `R-${transport}`)).toEqual([]);
  });

  it("refuses an unmapped tool under the default (CRAWL) and forwards nothing", async () => {
    const result = await call("echo", { text: "hello" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not mapped/i);
    expect(downstream.calls().filter((c) => c.tool === "echo")).toEqual([]);
  });

  // Last: it stops the downstream (only the HTTP one is the test's to stop; the stdio one is the gateway's child).
  it.runIf(transport === "http")("reports a downstream that cannot be reached as action.escalated", async () => {
    await downstream.stop();
    const before = await evidence("ticket.escalate");
    const result = await call("escalate_ticket", { ticket: "E-gone" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/the downstream failed/i);
    expect(result._meta?.["dev.cwr/gateway"]).toEqual({ status: "escalated" });
    await until(
      () => evidence("ticket.escalate"),
      (e) => e.trials === before.trials + 1 && e.successes === before.successes,
      "the escalated outcome to be stored",
    );
  });
});
