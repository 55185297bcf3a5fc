// Every route × every kind of caller, against the real server; every server action's permission.
// Generated from the files on disk, so a route or action without a rule in access-rules.ts fails.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can, ROLES, type Role } from "@cwr/gating/permissions";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import { FRONT_ROUTES } from "@/lib/http/agent-routes";
import { ACTION_RULES, ROUTE_RULES, type Access } from "./access-rules";

function walk(dir: string, found: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, found);
    else found.push(p);
  }
  return found;
}

/** "app/(dashboard)/x/route.ts" → "/x": route groups are not part of the URL. */
function templateOf(file: string): string {
  const rel = path
    .dirname(path.relative("app", file))
    .split(path.sep)
    .filter((s) => !/^\(.*\)$/.test(s));
  return "/" + rel.join("/");
}

function exportedMethods(source: string): string[] {
  const inMethods = [...source.matchAll(/^\s{2}(GET|POST|PUT|PATCH|DELETE): route\(/gm)].map((m) => m[1]!);
  const direct = [...source.matchAll(/^export const (GET|POST|PUT|PATCH|DELETE) = /gm)].map((m) => m[1]!);
  const destructured = /export const \{ GET, POST \} = handlers/.test(source) ? ["GET", "POST"] : [];
  return [...new Set([...inMethods, ...direct, ...destructured])];
}

const routeFiles = walk("app").filter((f) => f.endsWith(`${path.sep}route.ts`));
// server actions live in app/ and in lib/<feature>/actions.ts (those components call)
const actionFiles = [...walk("app"), ...walk("lib")].filter(
  (f) => /actions\.ts$/.test(f) && readFileSync(f, "utf8").startsWith('"use server"'),
);

describe("the access table covers the code", () => {
  it("every route file and method has a rule, and every rule a route", () => {
    const seen = new Set<string>();
    for (const file of routeFiles) {
      const template = templateOf(file);
      const rules = ROUTE_RULES[template];
      expect(rules, `no access rule for ${template} (${file})`).toBeDefined();
      for (const m of exportedMethods(readFileSync(file, "utf8"))) {
        if (Object.values(rules ?? {}).some((a) => a.kind === "catchall")) continue; // every method is a JSON 404
        expect(rules?.[m as "GET"], `no access rule for ${m} ${template}`).toBeDefined();
        seen.add(`${m} ${template}`);
      }
    }
    // The agent's read routes are answered by the node:http front (lib/http/front.ts), not route files.
    for (const name of FRONT_ROUTES) {
      const [m, p] = name.split(" ") as [string, string];
      const template = p.replace(/\{(\w+)\}/g, "[$1]");
      expect(
        ROUTE_RULES[template]?.[m as "GET"],
        `no access rule for ${m} ${template} (lib/http/front.ts)`,
      ).toBeDefined();
      seen.add(`${m} ${template}`);
    }
    for (const [template, rules] of Object.entries(ROUTE_RULES)) {
      for (const m of Object.keys(rules))
        if (rules[m as "GET"]!.kind !== "catchall")
          expect(seen.has(`${m} ${template}`), `rule for ${m} ${template} has no route`).toBe(true);
    }
  });

  it("every server action has a rule, and its wrapper demands exactly that permission", () => {
    const found = new Map<string, string>();
    for (const file of actionFiles) {
      for (const m of readFileSync(file, "utf8").matchAll(
        /export const (\w+) = defineAction\(\{[\s\S]*?permission: "([a-z:]+)"/g,
      ))
        found.set(m[1]!, m[2]!);
    }
    expect(found.size).toBeGreaterThan(0);
    for (const [name, permission] of found)
      expect(ACTION_RULES[name], `no access rule for server action ${name}`).toBe(permission);
    for (const name of Object.keys(ACTION_RULES)) expect(found.has(name), `rule for ${name} has no action`).toBe(true);
  });

  it("only reviewers and admins can reach the review action; nobody else gets a write", () => {
    const allowed = (p: string) => ROLES.filter((r) => can(r, p));
    expect(allowed(ACTION_RULES.reviewAction!)).toEqual(["reviewer", "admin"]);
    expect(allowed(ACTION_RULES.editPolicyAction!)).toEqual(["admin"]);
    expect(ROLES.filter((r) => Object.values(ACTION_RULES).some((p) => can(r, p)))).not.toContain("auditor");
  });
});

type Caller = {
  name: string;
  headers: Record<string, string>;
  role?: Role;
  key?: "valid" | "revoked" | "other" | "reporter";
};

describe("the access matrix on the real server", () => {
  let server: TestServer;
  const callers: Caller[] = [];

  beforeAll(async () => {
    server = await startServer({ API_RATE_PER_SECOND: "100000", API_RATE_BURST: "100000" });
    callers.push({ name: "nobody", headers: {} });
    for (const role of ROLES) {
      const email = {
        viewer: "viewer@demo.local",
        reviewer: "reviewer1@demo.local",
        admin: "admin@demo.local",
        auditor: "auditor@demo.local",
        operator: "operator@demo.local",
      }[role];
      callers.push({ name: role, role, headers: { cookie: await signInCookie(server.baseUrl, email) } });
    }
    const valid = await createKey(server.baseUrl, "support-bot", "matrix");
    const other = await createKey(server.baseUrl, "infra-bot", "matrix-other");
    const revoked = await createKey(server.baseUrl, "support-bot", "matrix-revoked");
    const reporter = await createKey(server.baseUrl, "support-bot", "matrix-reporter", "reporter");
    const admin = callers.find((c) => c.role === "admin")!.headers;
    const { keys } = (await (await fetch(`${server.baseUrl}/api/dashboard/admin/keys`, { headers: admin })).json()) as {
      keys: Array<{ id: string; name: string }>;
    };
    const toRevoke = keys.find((k) => k.name === "matrix-revoked");
    expect(toRevoke, "the revoked key to set up").toBeDefined();
    const del = await fetch(`${server.baseUrl}/api/admin/keys/${toRevoke!.id}`, { method: "DELETE", headers: admin });
    expect(del.status).toBe(200);
    callers.push({ name: "valid key", key: "valid", headers: { authorization: `Bearer ${valid}` } });
    callers.push({ name: "revoked key", key: "revoked", headers: { authorization: `Bearer ${revoked}` } });
    callers.push({ name: "other agent's key", key: "other", headers: { authorization: `Bearer ${other}` } });
    callers.push({ name: "reporter key", key: "reporter", headers: { authorization: `Bearer ${reporter}` } });
  }, 240_000);
  afterAll(async () => server?.stop());

  const SAMPLE: Record<string, string> = {
    actionKey: "refund.issue",
    key: "refund.issue",
    id: "00000000-0000-4000-8000-000000000000",
    slug: "support-bot",
    "...path": "no-such-thing",
  };
  const urlOf = (template: string) => template.replace(/\[([^\]]+)\]/g, (_, name: string) => SAMPLE[name] ?? "x");

  function expected(access: Access, caller: Caller): "allow" | 401 | 403 | 404 {
    switch (access.kind) {
      case "public":
        return "allow";
      case "catchall":
        return 404;
      case "stream-token":
        return 401;
      case "next-auth":
        return "allow";
      case "key":
        if (caller.key === "valid") return "allow";
        if (caller.key === "other") return access.scoped ? 404 : "allow";
        if (caller.key === "reporter") return access.reporter ? "allow" : 403;
        return 401;
      case "reporter-key":
        if (caller.key === "reporter") return "allow";
        return caller.key === "valid" || caller.key === "other" ? 403 : 401;
      case "session":
        if (!caller.role) return 401;
        return can(caller.role, access.permission) ? "allow" : 403;
    }
  }

  it("allows and denies exactly as the table says", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [template, rules] of Object.entries(ROUTE_RULES)) {
      for (const [method, access] of Object.entries(rules)) {
        if (access!.kind === "next-auth") continue;
        for (const caller of callers) {
          const controller = new AbortController();
          const res = await fetch(server.baseUrl + urlOf(template), {
            method,
            headers: { ...caller.headers, ...(method === "GET" ? {} : { "content-type": "application/json" }) },
            ...(method === "GET" || method === "DELETE" ? {} : { body: "{}" }),
            signal: controller.signal,
            redirect: "manual",
          });
          controller.abort(); // streams (SSE, exports) need only their status
          checked++;
          const want = expected(access!, caller);
          const ok = want === "allow" ? ![401, 403].includes(res.status) && res.status < 500 : res.status === want;
          if (!ok) failures.push(`${method} ${template} as ${caller.name}: got ${res.status}, want ${want}`);
          if (res.status >= 400 && !res.headers.get("content-type")?.includes("application/json"))
            failures.push(`${method} ${template} as ${caller.name}: ${res.status} is not JSON`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  }, 240_000);
});
