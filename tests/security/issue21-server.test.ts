// Issue 21, items 4 and 5 against the real production server: on the embedded default (one role, so
// the attacker edits the data folder with the server stopped) and on PostgreSQL with the two database
// roles (the attacker is the app's runtime role, which may only INSERT into the audit log). A forged
// `request.approved by reviewer2` with a correctly computed hash is named by the verifier (the badge's
// route), is never signed by a checkpoint, and leaves an `audit.anomaly` entry. Webhook endpoints on
// this machine are refused by the admin's own action (no WEBHOOK_ALLOW_PRIVATE here).
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kill, signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";
import { asAppRole, ensureAppRole } from "../helpers/db";
import { instanceEnv, PG_URL, scratchDatabase, type ScratchDatabase } from "../production/support";
import { openDatabase } from "@/lib/db/client";
import { auditEntryHash } from "@/lib/audit/hash";

interface HeadRow {
  seq: string;
  hash: string;
  actionTypeId: string | null;
}
type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** The forged row: `request.approved by reviewer2` on a request, chained after the head, hash computed. */
async function forgedApproval(query: Query) {
  const [head] = await query<HeadRow>(
    `SELECT seq::text AS seq, hash, "actionTypeId" FROM audit_entries ORDER BY audit_entries.seq DESC LIMIT 1`,
  );
  const [reviewer] = await query<{ id: string; email: string }>(
    `SELECT id::text AS id, email FROM users WHERE email = 'reviewer2@demo.local'`,
  );
  const [request] = await query<{ id: string; actionTypeId: string }>(
    `SELECT id::text AS id, "actionTypeId"::text AS "actionTypeId" FROM review_requests ORDER BY "createdAt" DESC LIMIT 1`,
  );
  const content = {
    seq: BigInt(head!.seq) + 1n,
    createdAt: new Date(Math.floor(Date.now())),
    actorType: "user",
    actorId: reviewer!.id,
    actorLabel: reviewer!.email,
    kind: "request.approved",
    entityType: "request",
    entityId: request!.id,
    agentId: null,
    actionTypeId: request!.actionTypeId,
    data: { status: "approved" },
    prevHash: head!.hash,
  };
  const sql = `INSERT INTO audit_entries (seq, "createdAt", "actorType", "actorId", "actorLabel", kind, "entityType", "entityId", "agentId", "actionTypeId", data, "prevHash", hash)
     VALUES ($1, $2, 'user', $3, $4, 'request.approved', 'request', $5, NULL, $6::uuid, $7::jsonb, $8, $9)`;
  const params = [
    content.seq.toString(),
    content.createdAt,
    content.actorId,
    content.actorLabel,
    content.entityId,
    content.actionTypeId,
    JSON.stringify(content.data),
    content.prevHash,
    auditEntryHash(content),
  ];
  return { seq: content.seq, sql, params };
}

async function expectNamedAndUnsigned(server: TestServer, forgedSeq: bigint) {
  const cookie = await signInCookie(server.baseUrl, "auditor@demo.local");
  const get = async <T>(p: string) => (await (await fetch(server.baseUrl + p, { headers: { cookie } })).json()) as T;
  let verdict: { ok: boolean; brokenAt?: { seq: string; reason: string } } = { ok: true };
  for (let i = 0; i < 60 && verdict.ok; i++) {
    verdict = await get("/api/dashboard/audit/verify");
    if (verdict.ok) await new Promise((r) => setTimeout(r, 500));
  }
  expect(verdict.ok).toBe(false);
  expect(verdict.brokenAt?.seq).toBe(forgedSeq.toString());
  expect(verdict.brokenAt?.reason).toMatch(/request\.approved by reviewer2@demo\.local/);
  // The jobs run every second and a checkpoint is due every second: the anomaly is recorded, nothing signed.
  let anomalies: Array<{ data: { seq: string } }> = [];
  for (let i = 0; i < 60 && anomalies.length === 0; i++) {
    anomalies = (await get<{ rows: typeof anomalies }>("/api/dashboard/audit?kind=audit.anomaly")).rows ?? [];
    if (anomalies.length === 0) await new Promise((r) => setTimeout(r, 500));
  }
  expect(anomalies).toHaveLength(1);
  expect(anomalies[0]!.data.seq).toBe(forgedSeq.toString());
  await new Promise((r) => setTimeout(r, 2500));
  const { checkpoints } = await get<{ checkpoints: Array<{ seq: string }> }>("/api/dashboard/audit/checkpoints");
  expect(checkpoints.every((c) => BigInt(c.seq) < forgedSeq)).toBe(true);
  expect((await get<{ rows: unknown[] }>("/api/dashboard/audit?kind=audit.anomaly")).rows).toHaveLength(1);
}

describe("issue 21 on the embedded default (real server)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ AUDIT_CHECKPOINT_SECONDS: "1" });
  }, 240_000);
  afterAll(async () => server?.stop());

  it("ATTACK: webhook endpoints on this machine, its network or the metadata service are refused by the admin's action", async () => {
    const cookie = await signInCookie(server.baseUrl, "admin@demo.local");
    for (const url of [
      `http://127.0.0.1:${server.port}/api/health`,
      "http://[::1]/x",
      "http://0.0.0.0/x",
      "http://2130706433/x",
      "http://localhost/x",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/x",
      "http://192.168.0.1/x",
      "http://[fd00::1]/x",
      "http://[::ffff:169.254.169.254]/x",
      "http://metadata.google.internal/x",
    ]) {
      const { result } = await callAction(server.baseUrl, cookie, "createWebhookEndpointAction", {
        name: "ssrf",
        url,
        kinds: ["tier.frozen"],
        format: "standard",
      });
      expect(result, url).toMatchObject({ ok: false, error: { code: "validation_failed" } });
    }
  });

  it("ATTACK: a forged `request.approved by reviewer2` with a correct hash, written into the data folder, is named and never signed", async () => {
    await kill(server.process);
    const db = await openDatabase({ target: { kind: "pglite", dir: path.join(server.dataDir, "pglite") } });
    let forgedSeq: bigint;
    try {
      const query: Query = (sql, params = []) => db.prisma.$queryRawUnsafe(sql, ...params);
      const forged = await forgedApproval(query);
      await db.prisma.$executeRawUnsafe(forged.sql, ...forged.params);
      forgedSeq = forged.seq;
    } finally {
      await db.close();
    }
    await server.restart();
    await expectNamedAndUnsigned(server, forgedSeq);
  }, 240_000);
});

describe.skipIf(!PG_URL)("issue 21 on PostgreSQL with two database roles (real server)", () => {
  let server: TestServer;
  let scratch: ScratchDatabase;
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-i21-pg-"));
  beforeAll(async () => {
    scratch = await scratchDatabase();
    await ensureAppRole(PG_URL!);
    server = await startServer({
      ...instanceEnv(asAppRole(scratch.url)),
      DATABASE_OWNER_URL: scratch.url,
      AUDIT_CHECKPOINT_SECONDS: "1",
      AUDIT_CHECKPOINT_FILE: path.join(dir, "checkpoints.jsonl"),
      AUDIT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
    await scratch?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ATTACK: the runtime role INSERTs a forged `request.approved by reviewer2` with a correct hash → named, never signed", async () => {
    const app = new pg.Client({ connectionString: asAppRole(scratch.url) });
    await app.connect();
    let forgedSeq: bigint;
    try {
      // UPDATE and DELETE stay refused to this role; INSERT is what it has.
      await expect(app.query(`DELETE FROM audit_entries WHERE seq = 1`)).rejects.toThrow(/permission denied/);
      const query: Query = async (sql, params = []) => (await app.query(sql, params)).rows;
      const forged = await forgedApproval(query);
      await app.query(forged.sql, forged.params);
      forgedSeq = forged.seq;
    } finally {
      await app.end();
    }
    await expectNamedAndUnsigned(server, forgedSeq);
  }, 240_000);
});
