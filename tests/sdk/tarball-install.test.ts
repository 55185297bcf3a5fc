// Issue 23 item 1: the SDK installs from its tarballs alone. `npm pack` makes @cwr/gating and @cwr/sdk,
// an empty project outside the repository installs them from the files (npm's cache first),
// and an agent there runs against the real server: its guard proposes in CRAWL, acts and reports in
// RUN, all through the package's public entry point.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

const ROOT = path.resolve(__dirname, "../..");
let server: TestServer;
let work: string;
let tarballs: string[];

const AGENT = `
import { createClient } from "@cwr/sdk";
const client = createClient({ baseUrl: process.env.CWR_URL, apiKey: process.env.CWR_KEY });
if (!(await client.ready(20000))) throw new Error("no tiers");
let ran = 0;
const act = (p) => { ran++; return { done: p }; };
const crawl = await client.guard(
  { action: "refund.issue", audience: "external", subject: "customer:tarball", summary: "Refund B-1", parameters: { order: "B-1", amount: 5 } },
  act,
);
const run = await client.guard(
  { action: "ticket.tag", audience: "internal", subject: "staff:tarball", summary: "Tag T-1", parameters: { ticket: "T-1" } },
  act,
);
const tiers = { refund: client.tier("refund.issue"), tag: client.tier("ticket.tag") };
await client.close({ timeoutMs: 10000 });
console.log(JSON.stringify({ crawl, run, ran, tiers, reporter: client.reporter.stats() }));
`;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" },
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), "cwr-tarball-"));
  const packs = path.join(work, "packs");
  mkdirSync(packs);
  npm(["pack", "-w", "@cwr/gating", "-w", "@cwr/sdk", "--pack-destination", packs], ROOT);
  tarballs = readdirSync(packs).map((f) => path.join(packs, f));
  const project = path.join(work, "agent");
  mkdirSync(project);
  npm(["init", "-y"], project);
  npm(["pkg", "set", "type=module"], project);
  // npm's cache first: the tarballs bring the code; only metadata the cache lacks (the MCP SDK's own
  // dependencies' package documents) may come from the registry.
  npm(["install", "--prefer-offline", ...tarballs], project);
  writeFileSync(path.join(project, "agent.mjs"), AGENT);
  server = await startServer({ JOBS: "off" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the SDK from its tarballs", () => {
  it("packs only built code: no sources, tests or app files", () => {
    expect(tarballs.map((t) => path.basename(t)).sort()).toEqual(["cwr-gating-0.3.0.tgz", "cwr-sdk-0.3.0.tgz"]);
    for (const t of tarballs) {
      const files = execFileSync("tar", ["-tzf", t], { encoding: "utf8" }).trim().split("\n");
      expect(files.filter((f) => /\.test\.|\.testkit\.|\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([]);
      expect(files).toContain("package/dist/index.js");
    }
  });

  it("runs an agent in an empty project: the guard proposes in CRAWL and acts in RUN", async () => {
    const out = execFileSync(process.execPath, ["agent.mjs"], {
      cwd: path.join(work, "agent"),
      encoding: "utf8",
      env: { ...process.env, CWR_URL: server.baseUrl, CWR_KEY: await createKey(server.baseUrl, "support-bot") },
      timeout: 60_000,
    });
    const result = JSON.parse(out.trim().split("\n").pop()!);
    expect(result.tiers).toEqual({ refund: "CRAWL", tag: "RUN" });
    expect(result.crawl).toMatchObject({ status: "suggested", proposal: { status: "pending" } });
    expect(result.run).toMatchObject({ status: "acted", tier: "RUN", result: { done: { ticket: "T-1" } } });
    expect(result.ran).toBe(1);
    expect(result.reporter).toMatchObject({ accepted: 1, pending: 0 });

    // The proposal is on the server, as the agent made it.
    const key = await createKey(server.baseUrl, "support-bot", "reader");
    const res = await fetch(`${server.baseUrl}/api/v1/proposals/${result.crawl.proposal.id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      action: "refund.issue",
      status: "pending",
      parameters: { order: "B-1", amount: 5 },
    });
  });

  it("installs the bins: the MCP gateway asks for its config, the Claude Code hook asks a person in CRAWL", async () => {
    const project = path.join(work, "agent");
    const bin = (name: string) => path.join(project, "node_modules", ".bin", name);
    const gateway = spawnSync(bin("cwr-mcp-gateway"), [], { cwd: project, encoding: "utf8", timeout: 30_000 });
    expect(gateway.status).toBe(1);
    expect(gateway.stderr).toMatch(/--config is required/);

    writeFileSync(
      path.join(project, "cwr-hook.json"),
      JSON.stringify({
        baseUrl: server.baseUrl,
        tools: { Refund: { action: "refund.issue", audience: "external", subject: "$.customer" } },
      }),
    );
    const hook = spawnSync(bin("cwr-claude-hook"), ["--config", "cwr-hook.json"], {
      cwd: project,
      encoding: "utf8",
      timeout: 60_000,
      input: JSON.stringify({
        hook_event_name: "PreToolUse",
        session_id: "tarball",
        tool_name: "Refund",
        tool_input: { customer: "customer:hook", order: "B-2", amount: 7 },
      }),
      env: { ...process.env, CWR_API_KEY: await createKey(server.baseUrl, "support-bot", "hook") },
    });
    expect(hook.status).toBe(0);
    expect(JSON.parse(hook.stdout)).toMatchObject({
      hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "ask" },
    });
  });
});
