// The red-team attacks of issue 12 ("No one person past the gate, and a history nobody can rewrite"),
// against the real production server on its real (embedded) database, the way an attacker or a
// careless user would run them. Each failed on the code before the fix.
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, kill, signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";
import { openDatabase } from "@/lib/db/client";
import { auditEntryHash } from "@/lib/audit/hash";
import { DEMO_PASSWORD } from "@/lib/auth/demo-accounts";
import type { Tier } from "@cwr/gating/types";

let server: TestServer;
const cookies = new Map<string, string>();
const RATIONALE = "Checked the evidence against the bar; this is my own judgement.";

beforeAll(async () => {
  server = await startServer({ SSE_MAX_STREAMS_PER_KEY: "3", AUDIT_CHECKPOINT_SECONDS: "1", LOGIN_MAX_FAILURES: "5" });
}, 240_000);
afterAll(async () => server?.stop());

async function as(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, await signInCookie(server.baseUrl, email));
  return cookies.get(email)!;
}
const get = async (p: string, email: string) =>
  fetch(server.baseUrl + p, { headers: { cookie: await as(email) }, redirect: "manual" });
const getJson = async <T>(p: string, email: string) => (await (await get(p, email)).json()) as T;

interface Row {
  id: string;
  key: string;
  tier: Tier;
  frozen: boolean;
  stateVersion: number;
}
const overview = async () => (await getJson<{ rows: Row[] }>("/api/dashboard/overview", "admin@demo.local")).rows;
type ActionAnswer =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; message: string; details?: unknown } };
const act = async (email: string, name: string, input: unknown) =>
  (await callAction(server.baseUrl, await as(email), name, input)).result as ActionAnswer;

/** A raw HTTP request from a chosen local address (127.0.0.2 is another client on loopback). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      {
        host: "127.0.0.1",
        port: u.port,
        path: u.pathname + u.search,
        method: options.method ?? "GET",
        headers: { host: u.host, ...options.headers },
        localAddress: options.localAddress,
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

async function signInFrom(localAddress: string, email: string, password: string, xff?: string) {
  const csrf = await rawRequest(`${server.baseUrl}/api/auth/csrf`, { localAddress });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const cookie = (csrf.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
  const res = await rawRequest(`${server.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    localAddress,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie,
      ...(xff ? { "x-forwarded-for": xff } : {}),
    },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: server.baseUrl }).toString(),
  });
  const session = (res.headers["set-cookie"] ?? []).some((c) => c.includes("session-token"));
  return { session, rateLimited: /rate_limited/.test(String(res.headers.location ?? "")) };
}

describe("1. no one person alone (rule 10)", () => {
  it("an admin who opens an override and creates three reviewer accounts cannot approve it through them", async () => {
    const dns = (await overview()).find((r) => r.key === "dns.change")!;
    const opened = await act("admin@demo.local", "openRequestAction", {
      actionTypeId: dns.id,
      kind: "override",
      justification: "Business need: the partner launch needs DNS changes this week.",
    });
    expect(opened.ok).toBe(true);
    const {
      id: requestId,
      snapshotHash,
      reviewersRequired,
    } = (opened as unknown as { data: { id: string; snapshotHash: string; reviewersRequired: number } }).data;
    expect(reviewersRequired).toBeGreaterThanOrEqual(2);
    const made: Array<{ id: string; grantId: string; email: string }> = [];
    for (let i = 1; i <= reviewersRequired; i++) {
      const email = `sock${i}@evil.example`;
      const created = await act("admin@demo.local", "createUserAction", { email, name: `Sock ${i}`, role: "reviewer" });
      expect(created).toMatchObject({ ok: true, data: { role: "viewer", pendingRole: "reviewer" } });
      // Since issue 21 the admin gets an invitation link, not a password; the admin uses it himself.
      const token = String((created as unknown as { data: { invitationUrl: string } }).data.invitationUrl).split(
        "#",
      )[1];
      expect(
        (await callAction(server.baseUrl, "", "acceptInvitationAction", { token, password: "sock-puppet-password-1" }))
          .result,
      ).toMatchObject({ ok: true });
      made.push({
        id: (created as unknown as { data: { id: string } }).data.id,
        grantId: (created as unknown as { data: { grantId: string } }).data.grantId,
        email,
      });
    }
    for (const sock of made) {
      const cookie = await signInCookie(server.baseUrl, sock.email, "sock-puppet-password-1");
      const review = (
        await callAction(server.baseUrl, cookie, "reviewAction", {
          requestId,
          decision: "approve",
          rationale: RATIONALE,
          snapshotHash,
        })
      ).result;
      expect(review).toMatchObject({ ok: false, error: { code: "forbidden" } });
      // Nor can a sock puppet (a viewer) approve another's grant, nor the admin who asked for them.
      const other = made.find((m) => m !== sock)!;
      expect(
        (
          await callAction(server.baseUrl, cookie, "decideRoleGrantAction", {
            grantId: other.grantId,
            decision: "approve",
            rationale: RATIONALE,
          })
        ).result,
      ).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    expect(
      await act("admin@demo.local", "decideRoleGrantAction", {
        grantId: made[0]!.grantId,
        decision: "approve",
        rationale: RATIONALE,
      }),
    ).toMatchObject({ ok: false, error: { code: "self_grant" } });
    expect((await overview()).find((r) => r.key === "dns.change")!.tier).toBe("CRAWL");
    // The admin cannot grant the role by changing it either: that too is an ask.
    expect(await act("admin@demo.local", "changeRoleAction", { userId: made[0]!.id, role: "admin" })).toMatchObject({
      ok: true,
      data: { changed: false, pendingRole: "admin" },
    });
    // A second person with review power can grant it, with a rationale.
    const grants = (await act("admin@demo.local", "changeRoleAction", {
      userId: made[1]!.id,
      role: "reviewer",
    })) as unknown as { data: { grantId: string } };
    expect(
      await act("reviewer2@demo.local", "decideRoleGrantAction", {
        grantId: grants.data.grantId,
        decision: "approve",
        rationale: "\u200b".repeat(30),
      }),
    ).toMatchObject({ ok: false, error: { code: "rationale_too_short" } });
    expect(
      await act("reviewer2@demo.local", "decideRoleGrantAction", {
        grantId: grants.data.grantId,
        decision: "approve",
        rationale: RATIONALE,
      }),
    ).toMatchObject({ ok: true, data: { status: "approved", role: "reviewer" } });
  });
});

describe("2. one decision, one change (rule 11)", () => {
  it("a second click of the same demote form is refused with what changed; the tier drops once", async () => {
    const row = (await overview()).find((r) => r.tier !== "CRAWL")!;
    const input = { actionTypeId: row.id, fromTier: row.tier, stateVersion: row.stateVersion, rationale: RATIONALE };
    expect(await act("reviewer1@demo.local", "demoteAction", input)).toMatchObject({ ok: true });
    const second = await act("reviewer1@demo.local", "demoteAction", input);
    expect(second).toMatchObject({
      ok: false,
      error: { code: "state_moved", details: { changed: { stateVersion: { was: row.stateVersion } } } },
    });
    const after = (await overview()).find((r) => r.id === row.id)!;
    expect(after.tier).toBe(row.tier === "RUN" ? "WALK" : "CRAWL");
    // A form without the state it was decided on is refused.
    expect(
      await act("reviewer1@demo.local", "demoteAction", { actionTypeId: row.id, rationale: RATIONALE }),
    ).toMatchObject({ ok: false, error: { code: "validation_failed" } });
  });

  it("freeze through the API twice with the same state: 200 then 409, one freeze", async () => {
    const row = (await overview()).find((r) => !r.frozen)!;
    const freeze = async () =>
      fetch(`${server.baseUrl}/api/admin/action-types/${row.id}/freeze`, {
        method: "POST",
        headers: { cookie: await as("reviewer2@demo.local"), "content-type": "application/json" },
        body: JSON.stringify({ frozen: true, stateVersion: row.stateVersion, rationale: RATIONALE }),
      });
    expect((await freeze()).status).toBe(200);
    const again = await freeze();
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { details: { changed: unknown } } }).error.details.changed).toBeTruthy();
  });

  it("two reviewers demoting at once demote once", async () => {
    const row =
      (await overview()).find((r) => r.tier !== "CRAWL" && !r.frozen) ??
      (await overview()).find((r) => r.tier !== "CRAWL")!;
    const input = { actionTypeId: row.id, fromTier: row.tier, stateVersion: row.stateVersion, rationale: RATIONALE };
    const answers = await Promise.all([
      act("reviewer1@demo.local", "demoteAction", input),
      act("reviewer3@demo.local", "demoteAction", input),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok && a.error.code === "state_moved")).toHaveLength(1);
  });

  it("a review without the snapshot hash it judged is refused", async () => {
    const dns = (await overview()).find((r) => r.key === "dns.change")!;
    const open = await getJson<{ rows: Array<{ id: string; status: string; actionTypeId?: string }> }>(
      `/api/dashboard/requests?status=open`,
      "reviewer1@demo.local",
    ).catch(() => ({ rows: [] }));
    const requestId = (open.rows ?? []).find((r) => r.status === "open")?.id ?? dns.id;
    expect(
      await act("reviewer1@demo.local", "reviewAction", { requestId, decision: "approve", rationale: RATIONALE }),
    ).toMatchObject({ ok: false, error: { code: "validation_failed" } });
  });
});

describe("3 and 4. blind reviews in the audit log; visible rationales", () => {
  it("a reviewer who has not reviewed sees nothing of an open request's reviews in the audit page, API or export; the review is in the chain", async () => {
    const dns = (await overview()).find((r) => r.key === "dns.change")!;
    const requests = await getJson<
      | { rows: Array<{ id: string; status: string; actionTypeId: string; snapshotHash?: string }> }
      | Array<{ id: string }>
    >(`/api/dashboard/requests?status=open&action=${dns.id}`, "reviewer1@demo.local");
    const list = (Array.isArray(requests) ? requests : requests.rows) as Array<{ id: string }>;
    const requestId = list[0]!.id;
    const page = await getJson<{ request: { snapshotHash: string } }>(
      `/api/dashboard/requests/${requestId}`,
      "reviewer1@demo.local",
    );
    const review = await act("reviewer1@demo.local", "reviewAction", {
      requestId,
      decision: "approve",
      rationale: "Checked DNS change history; the override is justified.",
      snapshotHash: page.request.snapshotHash,
    });
    expect(review).toMatchObject({ ok: true });

    const listed = await getJson<{ rows: Array<{ kind: string; entityId: string; data: unknown }> }>(
      `/api/dashboard/audit?kind=request.`,
      "reviewer2@demo.local",
    );
    const aboutIt = listed.rows.filter((r) => r.entityId === requestId).map((r) => r.kind);
    expect(aboutIt).toContain("request.opened");
    expect(aboutIt).not.toContain("request.reviewed");
    expect(aboutIt).not.toContain("request.review_submitted");
    const html = await (await get(`/audit?kind=request.`, "reviewer2@demo.local")).text();
    expect(html).not.toContain("Checked DNS change history");
    const exported = await (await get(`/api/dashboard/audit/export?format=json`, "auditor@demo.local")).text();
    expect(exported).not.toContain("Checked DNS change history");
    const rows = JSON.parse(exported) as Array<{ kind: string; entityId: string; sealed?: boolean }>;
    expect(rows.filter((r) => r.entityId === requestId).map((r) => r.kind)).not.toContain("request.review_submitted");
    // Neither a stub nor a gap in seq tells that the review exists (issue 21: blindness covers counts).
    expect(rows.some((r) => r.sealed)).toBe(false);
    // The chain still verifies, review entries included.
    const verdict = await getJson<{ ok: boolean; brokenAt?: unknown }>(
      `/api/dashboard/audit/verify`,
      "auditor@demo.local",
    );
    expect(verdict, JSON.stringify(verdict.brokenAt)).toMatchObject({ ok: true });
  });

  it("twenty zero-width characters do not approve; twenty Hangul fillers do not freeze", async () => {
    const list = await getJson<{ rows: Array<{ id: string; status: string }> } | Array<{ id: string; status: string }>>(
      `/api/dashboard/requests?status=open`,
      "reviewer2@demo.local",
    );
    const open = (Array.isArray(list) ? list : list.rows).find((r) => r.status === "open")!;
    const page = await getJson<{ request: { snapshotHash: string } }>(
      `/api/dashboard/requests/${open.id}`,
      "reviewer2@demo.local",
    );
    expect(
      await act("reviewer2@demo.local", "reviewAction", {
        requestId: open.id,
        decision: "approve",
        rationale: "\u200b".repeat(20),
        snapshotHash: page.request.snapshotHash,
      }),
    ).toMatchObject({ ok: false, error: { code: "rationale_too_short" } });
    const row = (await overview()).find((r) => !r.frozen)!;
    expect(
      await act("reviewer2@demo.local", "freezeAction", {
        actionTypeId: row.id,
        frozen: true,
        stateVersion: row.stateVersion,
        rationale: "\u3164".repeat(20),
      }),
    ).toMatchObject({ ok: false, error: { code: "rationale_too_short" } });
    expect((await overview()).find((r) => r.id === row.id)!.frozen).toBe(false);
  });
});

describe("6. sign-in that cannot be turned against its users", () => {
  it("a callbackUrl with TAB, CR, LF or VT never leaves the site and never answers 500", async () => {
    for (const raw of [
      "%2F%09%2Fevil.example",
      "%2F%0A%2Fevil.example",
      "%2F%0D%2Fevil.example",
      "%2F%0B%2Fevil.example",
      "%0D%0ASet-Cookie:%20x=1",
      "%2F%5C%2Fevil.example",
    ]) {
      const res = await get(`/signin?callbackUrl=${raw}`, "viewer@demo.local");
      expect(res.status, raw).toBeLessThan(500);
      const location = res.headers.get("location");
      if (location) expect(new URL(location, server.baseUrl).origin, raw).toBe(new URL(server.baseUrl).origin);
    }
  });

  it("rotating X-Forwarded-For does not escape the limit; failures from one address never lock out the owner's correct password from another", async () => {
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const r = await signInFrom("127.0.0.2", "reviewer3@demo.local", "wrong-password-guess", `10.${i}.0.1`);
      expect(r.session).toBe(false);
      if (r.rateLimited) refused++;
    }
    expect(refused).toBeGreaterThanOrEqual(50);
    // The attacker's address is slowed, even with the right password...
    expect(await signInFrom("127.0.0.2", "reviewer3@demo.local", DEMO_PASSWORD)).toMatchObject({
      session: false,
      rateLimited: true,
    });
    for (let i = 0; i < 20; i++) await signInFrom("127.0.0.2", "admin@demo.local", `guess-${i}`);
    // ...and the people themselves, from their own address, sign in.
    expect(await signInFrom("127.0.0.1", "reviewer3@demo.local", DEMO_PASSWORD)).toMatchObject({ session: true });
    expect(await signInFrom("127.0.0.1", "admin@demo.local", DEMO_PASSWORD)).toMatchObject({ session: true });
  });
});

describe("7. sessions and keys end", () => {
  it("after sign-out the old cookie reads nothing", async () => {
    const cookie = await signInCookie(server.baseUrl, "viewer@demo.local");
    expect((await fetch(`${server.baseUrl}/api/dashboard/overview`, { headers: { cookie } })).status).toBe(200);
    const { csrfToken } = (await (await fetch(`${server.baseUrl}/api/auth/csrf`, { headers: { cookie } })).json()) as {
      csrfToken: string;
    };
    await fetch(`${server.baseUrl}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken }).toString(),
    });
    expect((await fetch(`${server.baseUrl}/api/dashboard/overview`, { headers: { cookie } })).status).toBe(401);
  });

  it("a revoked key's open stream closes; a key has at most SSE_MAX_STREAMS_PER_KEY streams (429 beyond)", async () => {
    const secret = await createKey(server.baseUrl, "support-bot", "stream-revoke");
    const keys = await getJson<{ keys: Array<{ id: string; name: string }> }>(
      `/api/dashboard/admin/keys`,
      "admin@demo.local",
    );
    const keyId = keys.keys.find((k) => k.name === "stream-revoke")!.id;
    const streams = await Promise.all(
      [0, 1, 2].map(() =>
        fetch(`${server.baseUrl}/api/v1/tiers/stream`, { headers: { authorization: `Bearer ${secret}` } }),
      ),
    );
    for (const s of streams) expect(s.status).toBe(200);
    const fourth = await fetch(`${server.baseUrl}/api/v1/tiers/stream`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: { message: string } }).error.message).toMatch(
      /already has 3 open streams/,
    );
    const reader = streams[0]!.body!.getReader();
    await reader.read(); // the stream is open and talking
    expect(
      (
        await fetch(`${server.baseUrl}/api/admin/keys/${keyId}`, {
          method: "DELETE",
          headers: { cookie: await as("admin@demo.local") },
        })
      ).status,
    ).toBeLessThan(300);
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })(),
      new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
    ]);
    expect(ended).toBe(true);
    for (const s of streams.slice(1)) await s.body?.cancel().catch(() => {});
  });

  it("the OFREP event stream counts against the same per-key cap as the SDK's stream", async () => {
    const secret = await createKey(server.baseUrl, "support-bot", "ofrep-stream-cap");
    const bulk = (await (
      await fetch(`${server.baseUrl}/ofrep/v1/evaluate/flags`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: "{}",
      })
    ).json()) as { eventStreams: Array<{ url: string }> };
    const url = bulk.eventStreams[0]!.url;
    const sdk = await fetch(`${server.baseUrl}/api/v1/tiers/stream`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    const ofrep = await Promise.all([0, 1].map(() => fetch(url)));
    expect([sdk.status, ...ofrep.map((r) => r.status)]).toEqual([200, 200, 200]);
    const beyond = await fetch(url);
    expect(beyond.status).toBe(429);
    await beyond.body?.cancel().catch(() => {});
    // Closing one frees its slot.
    await ofrep[0]!.body!.cancel();
    let again: Response | null = null;
    for (let i = 0; i < 20 && again?.status !== 200; i++) {
      await again?.body?.cancel().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
      again = await fetch(url);
    }
    expect(again!.status).toBe(200);
    for (const r of [sdk, ofrep[1]!, again!]) await r.body?.cancel().catch(() => {});
  });
});

describe("8. safe defaults", () => {
  it("bad audit query parameters answer 422, never 500; the export validates before it streams", async () => {
    for (const q of [
      "before=9999999999999999999",
      "from=0000-01-01",
      "to=0000-01-01T00:00:00Z",
      "actor=%00",
      "kind=%00x",
      "from=2026-02-30",
    ]) {
      for (const p of ["/api/dashboard/audit", "/api/dashboard/audit/export"]) {
        const res = await get(`${p}?${q}`, "auditor@demo.local");
        expect(res.status, `${p}?${q}`).toBe(422);
      }
      expect((await get(`/audit?${q}`, "auditor@demo.local")).status).toBeLessThan(500);
    }
  });

  it("the CSP allows scripts only with this response's nonce", async () => {
    const res = await fetch(`${server.baseUrl}/signin`);
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(/script-src[^;]*'unsafe-inline'/.test(csp)).toBe(false);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
    const other = (await fetch(`${server.baseUrl}/signin`)).headers.get("content-security-policy");
    expect(other).not.toBe(csp); // a fresh nonce per response
  });
});

describe("5. a history nobody can rewrite (embedded database: one role, so the owner's attack is run on the data folder)", () => {
  /**
   * The newest signed checkpoint's seq, read from the checkpoint file as the attacker (who holds the data
   * folder) can: readers see checkpoints only up to the seal horizon while a request is open (rule 3).
   */
  async function checkpointedHead(): Promise<string> {
    const file = path.join(server.dataDir, "audit-checkpoints.jsonl");
    let v: { ok: boolean; brokenAt?: unknown } = { ok: false };
    for (let i = 0; i < 60; i++) {
      v = await getJson<{ ok: boolean; brokenAt?: unknown }>(`/api/dashboard/audit/verify`, "auditor@demo.local");
      const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
      const last = lines.length ? (JSON.parse(lines[lines.length - 1]!) as { seq: string }) : null;
      if (v.ok && last && BigInt(last.seq) > 160n) return last.seq;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`no checkpoint covered the log past seq 160 (verify: ${JSON.stringify(v)})`);
  }

  async function tamper(run: (db: Awaited<ReturnType<typeof openDatabase>>["prisma"]) => Promise<void>) {
    await kill(server.process);
    const db = await openDatabase({ target: { kind: "pglite", dir: path.join(server.dataDir, "pglite") } });
    try {
      await db.prisma.$executeRawUnsafe(`ALTER TABLE audit_entries DISABLE TRIGGER ALL`);
      await run(db.prisma);
      await db.prisma.$executeRawUnsafe(`ALTER TABLE audit_entries ENABLE TRIGGER ALL`);
    } finally {
      await db.close();
    }
    await server.restart();
    cookies.clear();
  }

  it("entry 132's actor changed and every later hash recomputed with the product's own function → verify fails; the newest 25 deleted → verify fails", async () => {
    const head = BigInt(await checkpointedHead());
    expect(head).toBeGreaterThan(160n);
    const pristine = path.join(server.dataDir, "pglite-pristine");
    // The checkpoints kept outside the database, as they stood for the real log (the server signs new
    // ones while it runs on the rewritten log below; those must not carry over to the second attack).
    const checkpoints = path.join(server.dataDir, "audit-checkpoints.jsonl");
    await kill(server.process);
    cpSync(path.join(server.dataDir, "pglite"), pristine, { recursive: true });
    cpSync(checkpoints, `${checkpoints}.pristine`);
    await server.restart();
    cookies.clear();

    await tamper(async (db) => {
      await db.$executeRawUnsafe(`UPDATE audit_entries SET "actorLabel" = 'someone-else@evil.example' WHERE seq = 132`);
      let prev = (await db.auditEntry.findUniqueOrThrow({ where: { seq: 131n } })).hash;
      for (let seq = 132n; seq <= head; seq++) {
        const row = await db.auditEntry.findUniqueOrThrow({ where: { seq } });
        const hash = auditEntryHash({ ...row, prevHash: prev });
        await db.$executeRawUnsafe(
          `UPDATE audit_entries SET "prevHash" = $1, hash = $2 WHERE seq = $3`,
          prev,
          hash,
          seq,
        );
        prev = hash;
      }
    });
    const rewritten = await getJson<{ ok: boolean; brokenAt: { seq: string; reason: string } }>(
      `/api/dashboard/audit/verify`,
      "auditor@demo.local",
    );
    expect(rewritten.ok).toBe(false);
    expect(BigInt(rewritten.brokenAt.seq)).toBeLessThanOrEqual(132n);
    expect(rewritten.brokenAt.reason).toMatch(/rewritten/);

    await kill(server.process);
    rmSync(path.join(server.dataDir, "pglite"), { recursive: true, force: true });
    cpSync(pristine, path.join(server.dataDir, "pglite"), { recursive: true });
    cpSync(`${checkpoints}.pristine`, checkpoints);
    await tamper((db) =>
      db.$executeRawUnsafe(`DELETE FROM audit_entries WHERE seq > $1`, head - 25n).then(() => undefined),
    );
    const truncated = await getJson<{ ok: boolean; brokenAt: { seq: string; reason: string } }>(
      `/api/dashboard/audit/verify`,
      "auditor@demo.local",
    );
    expect(truncated.ok).toBe(false);
    // The signed head is gone: "missing" while the log is shorter than the last checkpoint; once the
    // restarted server has appended past it again, those seq numbers hold other content ("rewritten").
    expect(truncated.brokenAt.reason).toMatch(/missing|rewritten/);
    expect(BigInt(truncated.brokenAt.seq)).toBeLessThanOrEqual(head);
  }, 240_000);
});
