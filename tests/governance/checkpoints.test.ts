// A history nobody can rewrite (SPEC §2 Audit entry). The attacks of issue 12 on the real database:
// as the table owner, switch the append-only trigger off, change an entry's actor and recompute every
// later hash with the product's own function (the chain alone then verifies); delete the newest 25
// entries (the chain alone verifies). Both are caught by the signed checkpoints. On PostgreSQL the
// app's own role cannot even try: it may only INSERT and SELECT the audit log.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEntryHash } from "@/lib/audit/hash";
import { iterateAllEntries, iterateAudit, verifyAuditChain } from "@/lib/audit/data";
import { exportStream } from "@/lib/audit/export";
import { checkpointFilePath, readCheckpointFile, signCheckpoint, type Checkpoint } from "@/lib/audit/checkpoints";
import { writeCheckpointIfDue } from "@/lib/audit/checkpoint-job";
import { verifyEntries } from "@/lib/audit/verify";
import { verifyAuditLog } from "@/lib/audit/verify-db";
import { setFrozen } from "@/lib/action-types/mutations";
import { NOW, RATIONALE, eligibleCrawl, later, openWorld, type World } from "./world";

let w: World;
let dir: string;
const { privateKey } = generateKeyPairSync("ed25519");
const publicKey = createPublicKey(privateKey);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-checkpoints-"));
  process.env.AUDIT_CHECKPOINT_FILE = path.join(dir, "audit-checkpoints.jsonl");
  process.env.AUDIT_SIGNING_KEY = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  w = await openWorld();
  const s = await eligibleCrawl(w.db);
  for (let i = 0; i < 40; i++)
    await setFrozen(
      w.db,
      w.people.reviewer1,
      { actionTypeId: s.id, frozen: i % 2 === 0, rationale: RATIONALE },
      later(i * 1000),
    );
}, 120_000);
afterAll(async () => {
  await w?.database.close();
  rmSync(dir, { recursive: true, force: true });
});

const entries = () => iterateAllEntries(w.db);
const head = async () => (await w.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq;

async function asOwnerWithoutTrigger(run: () => Promise<void>) {
  await w.database.asOwner(`ALTER TABLE audit_entries DISABLE TRIGGER ALL`);
  try {
    await run();
  } finally {
    await w.database.asOwner(`ALTER TABLE audit_entries ENABLE TRIGGER ALL`);
  }
}

describe("signed checkpoints", () => {
  it("are written every N entries or M seconds, appended to a file outside the database, and verify", async () => {
    process.env.AUDIT_CHECKPOINT_EVERY = "10";
    process.env.AUDIT_CHECKPOINT_SECONDS = "3600";
    const first = await writeCheckpointIfDue(w.db, NOW);
    expect(first).not.toBeNull(); // the first one is always due
    expect(await writeCheckpointIfDue(w.db, later(1000))).toBeNull(); // nothing new
    const s = await eligibleCrawl(w.db);
    for (let i = 0; i < 4; i++)
      await setFrozen(
        w.db,
        w.people.reviewer2,
        { actionTypeId: s.id, frozen: i % 2 === 0, rationale: RATIONALE },
        later(60_000 + i),
      );
    expect(await writeCheckpointIfDue(w.db, later(2000))).toBeNull(); // fewer than N new entries, M not passed
    for (let i = 4; i < 12; i++)
      await setFrozen(
        w.db,
        w.people.reviewer2,
        { actionTypeId: s.id, frozen: i % 2 === 0, rationale: RATIONALE },
        later(60_000 + i),
      );
    const second = await writeCheckpointIfDue(w.db, later(3000));
    expect(second?.seq).toBe((await head()).toString());
    expect(second?.count).toBe(Number(await head()));
    const file = readCheckpointFile(checkpointFilePath());
    expect(file.checkpoints.map((c) => c.seq)).toEqual([first!.seq, second!.seq]);
    expect(file.badLines).toEqual([]);
    const verdict = await verifyAuditLog(w.db);
    expect(verdict).toMatchObject({ ok: true, checkpoints: { total: 2, matched: 2 } });
  });

  it("an export verifies offline with `npm run audit:verify`; an edited export does not", async () => {
    const exportFile = path.join(dir, "audit.json");
    writeFileSync(exportFile, await new Response(exportStream(iterateAudit(w.db, {}), "json")).text());
    const keyFile = path.join(dir, "audit-public.pem");
    writeFileSync(keyFile, publicKey.export({ type: "spki", format: "pem" }));
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts", ...args], { encoding: "utf8" });
    const good = cli(exportFile, checkpointFilePath(), "--public-key", keyFile);
    expect(good.stdout).toMatch(/✓ \d+ entries verified/);
    expect(good.status).toBe(0);
    const rows = JSON.parse(readFileSync(exportFile, "utf8")) as Array<{ seq: string; actorLabel: string }>;
    rows[5]!.actorLabel = "someone-else@evil.example";
    writeFileSync(exportFile, JSON.stringify(rows));
    const edited = cli(exportFile, checkpointFilePath(), "--public-key", keyFile);
    expect(edited.status).toBe(1);
    expect(edited.stdout).toMatch(/broken at entry 6/);
  });

  it("a forged or re-signed checkpoint is refused", async () => {
    const good = signCheckpoint(privateKey, { seq: "3", hash: "a".repeat(64), count: 3, at: NOW.toISOString() });
    const forged: Checkpoint = { ...good, hash: "b".repeat(64) };
    const other = signCheckpoint(generateKeyPairSync("ed25519").privateKey, {
      seq: "3",
      hash: "a".repeat(64),
      count: 3,
      at: NOW.toISOString(),
    });
    for (const c of [forged, other])
      expect(await verifyEntries(entries(), [c], publicKey)).toMatchObject({ ok: false, brokenAt: { seq: "3" } });
  });

  it("ATTACK: the owner changes entry 32's actor and recomputes every later hash → the chain alone says ok, the checkpoints catch it", async () => {
    const last = await head();
    const checkpoints = [10n, 20n, 30n, 40n, last].map((seq) => seq);
    const signed: Checkpoint[] = [];
    for (const seq of checkpoints) {
      const row = await w.db.auditEntry.findUniqueOrThrow({ where: { seq } });
      signed.push(
        signCheckpoint(privateKey, { seq: seq.toString(), hash: row.hash, count: Number(seq), at: NOW.toISOString() }),
      );
    }
    expect(await verifyEntries(entries(), signed, publicKey)).toMatchObject({ ok: true, checkpoints: { matched: 5 } });

    await asOwnerWithoutTrigger(async () => {
      await w.database.asOwner(`UPDATE audit_entries SET "actorLabel" = 'someone-else@evil.example' WHERE seq = 32`);
      // Recompute every hash from 32 on with the product's own function, as an attacker with the code would.
      let prev = (await w.db.auditEntry.findUniqueOrThrow({ where: { seq: 31n } })).hash;
      for (let seq = 32n; seq <= last; seq++) {
        const row = await w.db.auditEntry.findUniqueOrThrow({ where: { seq } });
        const hash = auditEntryHash({ ...row, prevHash: prev });
        await w.database.asOwner(`UPDATE audit_entries SET "prevHash" = $1, hash = $2 WHERE seq = $3`, [
          prev,
          hash,
          seq.toString(),
        ]);
        prev = hash;
      }
    });
    expect(await verifyAuditChain(w.db)).toMatchObject({ ok: true }); // the chain alone is fooled
    const verdict = await verifyEntries(entries(), signed, publicKey);
    expect(verdict).toMatchObject({ ok: false, brokenAt: { seq: "31" } });
    expect(verdict.brokenAt!.reason).toMatch(/entries 31–40 were rewritten/);
  });

  it("ATTACK: the owner deletes the newest 25 entries → the chain alone says ok, the checkpoints catch it", async () => {
    const last = await head();
    const tip = await w.db.auditEntry.findUniqueOrThrow({ where: { seq: last } });
    const signed = [
      signCheckpoint(privateKey, { seq: last.toString(), hash: tip.hash, count: Number(last), at: NOW.toISOString() }),
    ];
    await asOwnerWithoutTrigger(() =>
      w.database.asOwner(`DELETE FROM audit_entries WHERE seq > $1`, [(last - 25n).toString()]),
    );
    expect(await verifyAuditChain(w.db)).toMatchObject({ ok: true });
    const verdict = await verifyEntries(entries(), signed, publicKey);
    expect(verdict).toMatchObject({ ok: false, brokenAt: { seq: (last - 24n).toString() } });
    expect(verdict.brokenAt!.reason).toMatch(/missing.*newest entries were deleted/);
  });

  it.runIf(process.env.TEST_BACKEND === "postgres")(
    "the app's own role may only INSERT and SELECT the audit log (PostgreSQL)",
    async () => {
      for (const sql of [
        `ALTER TABLE audit_entries DISABLE TRIGGER ALL`,
        `UPDATE audit_entries SET kind = 'x' WHERE seq = 1`,
        `DELETE FROM audit_entries WHERE seq = 1`,
        `TRUNCATE audit_entries`,
        `DROP TRIGGER audit_entries_no_update_delete ON audit_entries`,
      ]) {
        await expect(w.db.$executeRawUnsafe(sql)).rejects.toThrow(/permission denied|must be owner/);
      }
    },
  );
});
