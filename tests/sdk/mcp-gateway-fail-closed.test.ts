// The gateway fails closed: with no tiers (the product server cannot be reached) no mapped call
// reaches the downstream, in any form, and a suggestion that cannot be made says so. In process,
// with the real MCP SDK client and the real fixture downstream over in-memory transports.
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createClient, type CwrClient } from "@cwr/sdk";
import { parseConfig } from "@cwr/sdk/mcp-gateway/config";
import { McpGateway } from "@cwr/sdk/mcp-gateway/gateway";
import { downstreamServer } from "../fixtures/mcp-downstream";
import { freePort } from "../helpers/server";

type Result = { content: Array<{ text?: string }>; isError?: boolean; _meta?: Record<string, unknown> };

async function connected(server: { connect(t: InMemoryTransport): Promise<void> }): Promise<Client> {
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: "fail-closed-test", version: "1.0.0" });
  await client.connect(a);
  return client;
}

let cwr: CwrClient | undefined;
afterEach(async () => cwr?.close());

async function setup(rest: Record<string, unknown> = {}) {
  const executed: Array<{ tool: string; arguments: Record<string, unknown> }> = [];
  // Nobody listens there: no tiers ever arrive, no proposal can be made.
  cwr = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, apiKey: "cwr_nobody", timeoutMs: 500 });
  const config = parseConfig({
    cwr: { baseUrl: "http://127.0.0.1:1", apiKeyEnv: "UNUSED" },
    downstream: { command: "in-memory" },
    tools: {
      tag_ticket: { action: "ticket.tag", audience: "internal", subject: "$.ticket", parameters: ["ticket", "tag"] },
    },
    ...rest,
  });
  const downstream = await connected(downstreamServer((tool, args) => executed.push({ tool, arguments: args })));
  const client = await connected(new McpGateway(config, cwr, downstream).server());
  const call = (name: string, args: Record<string, unknown>) =>
    client.callTool({ name, arguments: args }) as Promise<Result>;
  return { executed, call };
}

const text = (r: Result) => r.content.map((c) => c.text ?? "").join("\n");

describe("cwr-mcp-gateway fails closed", () => {
  it("forwards no mapped call without tiers, and says no suggestion could be made", async () => {
    const { executed, call } = await setup();
    const result = await call("tag_ticket", { ticket: "T-1", tag: "billing" });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/not carried out, and no suggestion could be made/i);
    expect(result._meta?.["dev.cwr/gateway"]).toEqual({ status: "unavailable" });
    expect(executed).toEqual([]);
  });

  it("refuses a mapped call whose subject is missing, and an unmapped call under CRAWL", async () => {
    const { executed, call } = await setup();
    const noSubject = await call("tag_ticket", { tag: "billing" });
    expect(noSubject.isError).toBe(true);
    expect(text(noSubject)).toMatch(/no subject at \$\.ticket/);
    const unmapped = await call("echo", { text: "hi" });
    expect(unmapped.isError).toBe(true);
    expect(text(unmapped)).toMatch(/not mapped/);
    expect(executed).toEqual([]);
  });

  it("guards unmapped calls as the default action when one is named (nothing forwarded without tiers)", async () => {
    const { executed, call } = await setup({
      default: { action: "ticket.tag", audience: "internal", subject: "$.text" },
    });
    const result = await call("echo", { text: "hi" });
    expect(result.isError).toBe(true);
    expect(result._meta?.["dev.cwr/gateway"]).toEqual({ status: "unavailable" });
    expect(executed).toEqual([]);
  });

  it("carries out nothing for a suggestion id it cannot read", async () => {
    const { executed, call } = await setup();
    const result = await call("cwr_await_suggestion", { id: "00000000-0000-4000-8000-000000000000", waitSeconds: 0 });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/could not be carried out/i);
    expect((await call("cwr_await_suggestion", {})).isError).toBe(true);
    expect(executed).toEqual([]);
  });

  it("forwards unmapped calls unguarded only when the config says forward", async () => {
    const { executed, call } = await setup({ default: "forward" });
    expect(text(await call("echo", { text: "hi" }))).toBe("hi");
    expect(executed).toEqual([{ tool: "echo", arguments: { text: "hi" } }]);
  });

  it("maps tools by their own names only: inherited names are unmapped, look-alikes of mapped ones are not forwarded", async () => {
    const crawl = await setup();
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const r = await crawl.call(name, { ticket: "T-1" });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/not mapped/);
    }
    const forward = await setup({ default: "forward" });
    for (const name of ["TAG_TICKET", "Tag_Ticket", "tag_ticket ", "ｔａｇ_ｔｉｃｋｅｔ"]) {
      const r = await forward.call(name, { ticket: "T-1", tag: "x" });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/looks like the mapped tool tag_ticket/);
    }
    expect([...crawl.executed, ...forward.executed]).toEqual([]);
  });
});
