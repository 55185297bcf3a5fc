// Issue 21, item 4: "forged entries get signed". On the real database — on PostgreSQL as the app's own
// runtime role (it may INSERT into the audit log, nothing else) — an attacker appends a forged
// `request.approved by reviewer2` whose hash is computed correctly, or an entry whose hash is wrong.
// The next checkpoint must not sign it: the job verifies what it is about to sign, records an
// `audit.anomaly` entry, tells the endpoints listening, and the verifier (the dashboard's badge) names it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEntryHash } from "@/lib/audit/hash";
import { readCheckpointFile } from "@/lib/audit/checkpoints";
import { writeCheckpointIfDue } from "@/lib/audit/checkpoint-job";
import { verifyAuditLog } from "@/lib/audit/verify-db";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { eligibleCrawl, later, openWorld, type World } from "../governance/world";

let dir: string;
let w: World;
const { privateKey } = generateKeyPairSync("ed25519");

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-i21-checkpoints-"));
  process.env.AUDIT_SIGNING_KEY = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let file = 0;
beforeEach(async () => {
  process.env.AUDIT_CHECKPOINT_FILE = path.join(dir, `checkpoints-${++file}.jsonl`);
  w = await openWorld();
}, 120_000);
afterEach(async () => w?.database.close());

/** Appends a row to the audit log the way the runtime role can: a plain INSERT, no advisory lock. */
async function insertAsRuntimeRole(row: {
  seq: bigint;
  createdAt: Date;
  actorId: string;
  actorLabel: string;
  kind: string;
  entityType: string;
  entityId: string;
  actionTypeId: string | null;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}) {
  await w.db.$executeRawUnsafe(
    `INSERT INTO audit_entries (seq, "createdAt", "actorType", "actorId", "actorLabel", kind, "entityType", "entityId", "agentId", "actionTypeId", data, "prevHash", hash)
     VALUES ($1, $2, 'user', $3, $4, $5, $6, $7, NULL, $8::uuid, $9::jsonb, $10, $11)`,
    row.seq,
    row.createdAt,
    row.actorId,
    row.actorLabel,
    row.kind,
    row.entityType,
    row.entityId,
    row.actionTypeId,
    JSON.stringify(row.data),
    row.prevHash,
    row.hash,
  );
}

async function listenForAnomalies() {
  // Straight into the table: an endpoint that listens for the anomaly notification.
  await w.db.webhookEndpoint.create({
    data: { name: "security", url: "https://hooks.example.net/x", kinds: ["audit.anomaly"], secret: "whsec_x" },
  });
}

async function setUp() {
  const s = await eligibleCrawl(w.db);
  const req = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, later(0));
  await listenForAnomalies();
  const first = await writeCheckpointIfDue(w.db, later(1000), { force: true });
  expect(first).not.toBeNull();
  const head = await w.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
  return { s, req, head };
}

async function expectCaught(forgedSeq: bigint, reason: RegExp) {
  const before = readCheckpointFile().checkpoints.length;
  expect(await writeCheckpointIfDue(w.db, later(3_600_000), { force: true })).toBeNull(); // nothing signed
  expect(readCheckpointFile().checkpoints).toHaveLength(before);
  const anomalies = await w.db.auditEntry.findMany({ where: { kind: "audit.anomaly" } });
  expect(anomalies).toHaveLength(1);
  expect(anomalies[0]!.seq).toBeGreaterThan(forgedSeq);
  expect(anomalies[0]!.data).toMatchObject({ seq: forgedSeq.toString() });
  expect(JSON.stringify(anomalies[0]!.data)).toMatch(reason);
  // People are told, once: a second run finds the same break and records nothing new.
  expect(await w.db.outboxEvent.count({ where: { kind: "audit.anomaly" } })).toBe(1);
  expect(await writeCheckpointIfDue(w.db, later(7_200_000), { force: true })).toBeNull();
  expect(await w.db.auditEntry.count({ where: { kind: "audit.anomaly" } })).toBe(1);
  // The dashboard's verification (its badge) is red and names the forged entry.
  const verdict = await verifyAuditLog(w.db);
  expect(verdict.ok).toBe(false);
  expect(verdict.brokenAt?.seq).toBe(forgedSeq.toString());
  expect(verdict.brokenAt?.reason).toMatch(reason);
}

describe("issue 21 item 4: a checkpoint signs only what verifies", () => {
  it("ATTACK: the runtime role INSERTs a forged `request.approved by reviewer2` with a correct hash → not signed, named", async () => {
    const { req, head } = await setUp();
    const content = {
      seq: head.seq + 1n,
      createdAt: later(2000),
      actorType: "user",
      actorId: w.people.reviewer2.id,
      actorLabel: w.people.reviewer2.email,
      kind: "request.approved",
      entityType: "request",
      entityId: req.id,
      agentId: null,
      actionTypeId: head.actionTypeId,
      data: { status: "approved" },
      prevHash: head.hash,
    };
    await insertAsRuntimeRole({ ...content, hash: auditEntryHash(content) });
    await expectCaught(content.seq, /request\.approved.*review/);
  });

  it("ATTACK: the runtime role INSERTs an entry whose hash is wrong → not signed, named", async () => {
    const { head } = await setUp();
    await insertAsRuntimeRole({
      seq: head.seq + 1n,
      createdAt: later(2000),
      actorId: w.people.reviewer2.id,
      actorLabel: w.people.reviewer2.email,
      kind: "tier.freeze",
      entityType: "action_type",
      entityId: head.entityId,
      actionTypeId: head.actionTypeId,
      data: { from: "CRAWL", to: "CRAWL", frozen: true },
      prevHash: head.hash,
      hash: "f".repeat(64),
    });
    await expectCaught(head.seq + 1n, /hash/);
  });
});
