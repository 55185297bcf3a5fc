// cwr-claude-hook (issue 23 item 4) as Claude Code runs it: the bin spawned with the hook's JSON on
// stdin, against the real server. PreToolUse answers allow (RUN, WALK internal), ask with a recorded
// suggestion (CRAWL), ask for an unmapped tool, deny when the server is down or the key is missing;
// PostToolUse reports the outcome, read back from the server's store.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, freePort, startServer, type TestServer } from "../helpers/server";
import { withStoppedServer } from "../helpers/stopped-store";
import type { HookConfig } from "@cwr/sdk/claude-hook";

const BIN = path.resolve("lib/sdk/bin/cwr-claude-hook.ts");
let server: TestServer;
let key: string;
let dir: string;

const TOOLS: HookConfig["tools"] = {
  tag_ticket: { action: "ticket.tag", audience: "external", subject: "$.ticket", parameters: ["ticket", "tags"] },
  escalate_ticket: { action: "ticket.escalate", audience: "internal", subject: "$.ticket" },
  issue_refund: {
    action: "refund.issue",
    audience: "external",
    subject: "$.customer.id",
    parameters: ["order", "amount"],
  },
};

function config(name: string, overrides: Partial<HookConfig> = {}): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({ baseUrl: server.baseUrl, apiKeyEnv: "CWR_TEST_KEY", tools: TOOLS, ...overrides }),
  );
  return file;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: {
    hookSpecificOutput?: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string };
  };
}

/** Runs the bin as Claude Code does: a command with JSON on stdin. */
function hook(input: object, configFile: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", BIN, "--config", configFile], {
      env: { ...process.env, CWR_TEST_KEY: key, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      let json = {};
      try {
        json = stdout.trim() ? JSON.parse(stdout) : {};
      } catch {
        json = { unparsable: stdout };
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.end(JSON.stringify(input));
  });
}

const preToolUse = (tool_name: string, tool_input: object) => ({
  session_id: "s-1",
  hook_event_name: "PreToolUse",
  tool_name,
  tool_input,
  tool_use_id: `toolu_${randomUUID()}`,
});

beforeAll(async () => {
  server = await startServer({ JOBS: "off" });
  key = await createKey(server.baseUrl, "support-bot", "claude-hook");
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-claude-hook-"));
}, 180_000);
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const decision = (r: Run) => r.json.hookSpecificOutput?.permissionDecision;

describe("cwr-claude-hook", () => {
  const reported: Array<{ subject: string; kind: string; tier: string }> = [];
  const notReported: string[] = [];

  it("PreToolUse: allow in RUN and in WALK for internal, with Claude Code's output shape", async () => {
    const file = config("main");
    const run = await hook(preToolUse("tag_ticket", { ticket: "T-1", tags: ["billing"] }), file);
    expect(run.code).toBe(0);
    expect(run.json).toEqual({
      hookSpecificOutput: {
        hookEventName: "PreToolUse",
        permissionDecision: "allow",
        permissionDecisionReason: expect.stringContaining("RUN"),
      },
    });
    const walk = await hook(preToolUse("escalate_ticket", { ticket: "T-2" }), file);
    expect(decision(walk)).toBe("allow");
    expect(walk.json.hookSpecificOutput?.permissionDecisionReason).toContain("WALK");
  });

  it("PreToolUse in CRAWL: ask, and the suggestion is recorded on the server with its id in the reason", async () => {
    const run = await hook(
      preToolUse("issue_refund", { customer: { id: "customer:88" }, order: "H-88", amount: 30, note: "x" }),
      config("main"),
    );
    expect(run.code).toBe(0);
    expect(decision(run)).toBe("ask");
    const id = /Suggestion ([0-9a-f-]{36})/.exec(run.json.hookSpecificOutput!.permissionDecisionReason)?.[1];
    expect(id).toBeDefined();
    const res = await fetch(`${server.baseUrl}/api/v1/proposals/${id}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await res.json()).toMatchObject({
      status: "pending",
      action: "refund.issue",
      audience: "external",
      subject: "customer:88",
      parameters: { order: "H-88", amount: 30 },
    });
  });

  it("PreToolUse: unmapped tools follow the configured default (CRAWL asks unless set)", async () => {
    const bash = preToolUse("Bash", { command: "rm -rf /tmp/x" });
    expect(decision(await hook(bash, config("main")))).toBe("ask");
    expect(decision(await hook(bash, config("deny", { unmapped: "deny" })))).toBe("deny");
    expect(decision(await hook(bash, config("run", { unmapped: "RUN" })))).toBe("allow");
  });

  it("PreToolUse fails closed: server down, no key, bad config, bad input, a missing subject all deny", async () => {
    const call = preToolUse("tag_ticket", { ticket: "T-3" });
    const down = await hook(call, config("down", { baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1000 }));
    expect(down.code).toBe(0);
    expect(decision(down)).toBe("deny");
    expect(decision(await hook(call, config("main"), { CWR_TEST_KEY: undefined }))).toBe("deny");
    expect(decision(await hook(call, config("main"), { CWR_TEST_KEY: "cwr_not-a-key" }))).toBe("deny");
    const badConfig = path.join(dir, "bad.json");
    writeFileSync(badConfig, "{ not json");
    expect(decision(await hook(call, badConfig))).toBe("deny");
    expect(decision(await hook(preToolUse("tag_ticket", { nope: 1 }), config("main")))).toBe("deny");
    expect(decision(await hook({ hook_event_name: "PreToolUse", tool_name: "tag_ticket" }, config("main")))).toBe(
      "deny",
    );
  });

  it("PostToolUse reports action.completed, or action.escalated for a failed tool, at the decided tier", async () => {
    const file = config("main");
    const post = (tool_name: string, tool_input: object, tool_response: object) => ({
      ...preToolUse(tool_name, tool_input),
      hook_event_name: "PostToolUse",
      tool_response,
    });
    const ok = await hook(post("tag_ticket", { ticket: "T-ok" }, { content: "tagged" }), file);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe("");
    reported.push({ subject: "T-ok", kind: "action.completed", tier: "RUN" });
    const failed = await hook(post("tag_ticket", { ticket: "T-fail" }, { isError: true, content: "boom" }), file);
    expect(failed.code).toBe(0);
    reported.push({ subject: "T-fail", kind: "action.escalated", tier: "RUN" });
    const walk = await hook(post("escalate_ticket", { ticket: "T-walk" }, { success: true }), file);
    expect(walk.code).toBe(0);
    reported.push({ subject: "T-walk", kind: "action.completed", tier: "WALK" });
    // CRAWL: the outcome is the person's decision on the suggestion, not the tool's result.
    const crawl = await hook(post("issue_refund", { customer: { id: "customer:post" }, order: "P" }, {}), file);
    expect(crawl.code).toBe(0);
    notReported.push("customer:post");

    const stored = await withStoppedServer(server, (db) =>
      db.outcomeEvent.findMany({
        where: { subjectRef: { in: [...reported.map((r) => r.subject), ...notReported] } },
        select: { subjectRef: true, kind: true, tier: true, source: true },
      }),
    );
    expect(
      stored
        .map((e) => ({ subject: e.subjectRef, kind: e.kind.replace("_", "."), tier: e.tier, source: e.source }))
        .sort((a, b) => a.subject!.localeCompare(b.subject!)),
    ).toEqual(reported.map((r) => ({ ...r, source: "agent" })).sort((a, b) => a.subject.localeCompare(b.subject)));
  }, 120_000);
});
