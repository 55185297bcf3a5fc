// Issue 24 items 1–3 on the real database: every audited mutation adds its entry (the entry's existing
// hash is the leaf data) to an RFC 6962 tree kept as stored subtree hashes in the same transaction;
// the checkpoint job signs a C2SP checkpoint of that tree; the proofs served verify; a log written
// before the tree existed is taken in; a rewrite the chain alone cannot see fails the signed root.
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setFrozen } from "@/lib/action-types/mutations";
import { writeCheckpointIfDue } from "@/lib/audit/checkpoint-job";
import { checkpointFilePath } from "@/lib/audit/checkpoints";
import { iterateAudit, sealHorizon } from "@/lib/audit/data";
import { exportStream } from "@/lib/audit/export";
import { auditEntryHash } from "@/lib/audit/hash";
import { frontierIndexes, leafHash, rootOf, verifyConsistency, verifyInclusion } from "@/lib/audit/merkle";
import { openNote, parseCheckpointBody, verifierKey } from "@/lib/audit/note";
import { auditOrigin, consistencyProofAt, inclusionProofAt, treeRootAt } from "@/lib/audit/tree";
import { verifyAuditLog } from "@/lib/audit/verify-db";
import { consistencyProof, inclusionProof, publishedCheckpoint } from "@/lib/audit/transparency";
import { openPromotionRequest } from "@/lib/requests/mutations";
import { NOW, RATIONALE, eligibleCrawl, later, openWorld, type World } from "./world";

let w: World;
let dir: string;
const { privateKey } = generateKeyPairSync("ed25519");
const vkey = () => verifierKey(auditOrigin(), createPublicKey(privateKey));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "cwr-merkle-"));
  process.env.AUDIT_CHECKPOINT_FILE = path.join(dir, "audit-checkpoints.jsonl");
  process.env.AUDIT_SIGNING_KEY = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  process.env.AUDIT_CHECKPOINT_EVERY = "1";
  w = await openWorld();
}, 120_000);
afterAll(async () => {
  await w?.database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function mutate(n: number, offset = 0) {
  const s = await eligibleCrawl(w.db);
  for (let i = 0; i < n; i++)
    await setFrozen(
      w.db,
      w.people.reviewer1,
      { actionTypeId: s.id, frozen: i % 2 === 0, rationale: RATIONALE },
      later((offset + i) * 1000),
    );
}
const leaves = async () =>
  (await w.db.auditEntry.findMany({ orderBy: { seq: "asc" }, select: { hash: true } })).map((e) =>
    leafHash(Buffer.from(e.hash, "hex")),
  );

describe("the Merkle tree over the audit log", () => {
  it("is kept as each audited mutation commits: its root at every size equals the tree of the entries' hashes", async () => {
    await mutate(9);
    const all = await leaves();
    expect(all.length).toBeGreaterThan(9);
    for (const size of [1, 2, 3, 7, all.length])
      expect(await treeRootAt(w.db, size)).toEqual(rootOf(all.slice(0, size)));
  });

  it("serves inclusion and consistency proofs that verify", async () => {
    const all = await leaves();
    const size = all.length;
    for (const index of [0, 1, Math.floor(size / 2), size - 1])
      expect(verifyInclusion(index, size, all[index]!, await inclusionProofAt(w.db, index, size), rootOf(all))).toBe(
        true,
      );
    for (const from of [1, 3, size - 1])
      expect(
        verifyConsistency(
          from,
          size,
          await consistencyProofAt(w.db, from, size),
          rootOf(all.slice(0, from)),
          rootOf(all),
        ),
      ).toBe(true);
  });

  it("the checkpoint job signs a C2SP checkpoint of the tree, written to the checkpoint file", async () => {
    const c = await writeCheckpointIfDue(w.db, NOW, { force: true });
    expect(c?.note).toBeTruthy();
    const body = parseCheckpointBody(openNote(c!.note!, [vkey()]).text);
    const all = await leaves();
    expect(body).toEqual({ origin: auditOrigin(), size: all.length, root: rootOf(all), extensions: [] });
    expect(await verifyAuditLog(w.db)).toMatchObject({ ok: true });
  });

  it("`npm run audit:verify` opens the signed notes offline and recomputes their roots; an altered note fails", async () => {
    await writeCheckpointIfDue(w.db, later(50_000), { force: true }).catch(() => null);
    const exportFile = path.join(dir, "audit.json");
    writeFileSync(exportFile, await new Response(exportStream(iterateAudit(w.db, {}), "json")).text());
    const file = checkpointFilePath();
    const cli = (cps: string, ...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts", exportFile, cps, ...args], {
        encoding: "utf8",
      });
    const good = cli(file, "--verifier-key", vkey());
    expect(good.stdout).toMatch(/signed Merkle roots recomputed/);
    expect(good.status).toBe(0);
    // The attacker swaps the root of a note (the JSON part untouched): its signature no longer holds.
    const lines = readFileSync(file, "utf8").trim().split("\n");
    const c = JSON.parse(lines[0]!) as { note: string };
    const [origin, size, root] = c.note.split("\n");
    const other = Buffer.from(root!, "base64");
    other[0]! ^= 1;
    c.note = c.note.replace(`${origin}\n${size}\n${root}\n`, `${origin}\n${size}\n${other.toString("base64")}\n`);
    const altered = path.join(dir, "altered.jsonl");
    writeFileSync(altered, [JSON.stringify(c), ...lines.slice(1)].join("\n") + "\n");
    const bad = cli(altered, "--verifier-key", vkey());
    expect(bad.stdout).toMatch(/signed checkpoint note .* does not verify/);
    expect(bad.status).toBe(1);
    // Under another log's name the notes are not this log's.
    const renamed = cli(file, "--verifier-key", verifierKey("other.example/audit", createPublicKey(privateKey)));
    expect(renamed.status).toBe(1);
  });

  it("the dashboard's verification checks the served proofs: a stored hash changed by the owner is named", async () => {
    expect(await verifyAuditLog(w.db)).toMatchObject({ ok: true });
    // The largest complete subtree on the left: every root and proof of the current size reads it.
    const id = frontierIndexes((await leaves()).length)[0]!;
    const [row] = await w.db.auditTreeHash.findMany({ where: { id: BigInt(id) } });
    const swap = async (hash: Buffer) => {
      await w.database.asOwner(`ALTER TABLE audit_tree_hashes DISABLE TRIGGER ALL`);
      await w.database.asOwner(`UPDATE audit_tree_hashes SET hash = $1 WHERE id = $2`, [hash, id]);
      await w.database.asOwner(`ALTER TABLE audit_tree_hashes ENABLE TRIGGER ALL`);
    };
    const forged = Buffer.from(row!.hash);
    forged[0]! ^= 1;
    await swap(forged);
    try {
      const verdict = await verifyAuditLog(w.db);
      expect(verdict.ok).toBe(false);
      expect(verdict.brokenAt?.reason).toMatch(/audit_tree_hashes/);
    } finally {
      await swap(Buffer.from(row!.hash));
    }
    expect(await verifyAuditLog(w.db)).toMatchObject({ ok: true });
  });

  it("takes in entries written before the tree existed (or without it) at the next append", async () => {
    // As before the upgrade: the tree covers the first entries only, and entries were appended without it.
    await w.database.asOwner(`ALTER TABLE audit_tree_hashes DISABLE TRIGGER ALL`);
    await w.database.asOwner(`DELETE FROM audit_tree_hashes WHERE id > 3`);
    await w.database.asOwner(`ALTER TABLE audit_tree_hashes ENABLE TRIGGER ALL`);
    const head = await w.db.auditEntry.findFirstOrThrow({ orderBy: { seq: "desc" } });
    const old = { ...head, seq: head.seq + 1n, createdAt: later(99_000), prevHash: head.hash, entityId: "old-version" };
    await w.database.asOwner(
      `INSERT INTO audit_entries (seq, "createdAt", "actorType", "actorId", "actorLabel", kind, "entityType", "entityId", "agentId", "actionTypeId", data, "prevHash", hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid, $10::uuid, $11::jsonb, $12, $13)`,
      [
        old.seq.toString(),
        old.createdAt,
        old.actorType,
        old.actorId,
        old.actorLabel,
        old.kind,
        old.entityType,
        old.entityId,
        old.agentId,
        old.actionTypeId,
        JSON.stringify(old.data),
        old.prevHash,
        auditEntryHash(old),
      ],
    );
    await mutate(2, 100);
    const all = await leaves();
    expect(await treeRootAt(w.db, all.length)).toEqual(rootOf(all));
  });

  it("stored hashes cannot be changed or deleted", async () => {
    await expect(w.database.asOwner(`DELETE FROM audit_tree_hashes`)).rejects.toThrow(/append-only/);
    await expect(w.database.asOwner(`UPDATE audit_tree_hashes SET hash = hash`)).rejects.toThrow(/append-only/);
  });

  it("while a request is open, readers are served the tree up to the seal horizon only, signed at the horizon", async () => {
    const s = await eligibleCrawl(w.db);
    await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, later(400_000));
    const horizon = Number(await sealHorizon(w.db));
    await mutate(3, 500);
    const c = await writeCheckpointIfDue(w.db, later(600_000), { force: true });
    expect(c!.count).toBeGreaterThan(horizon);
    const served = parseCheckpointBody(openNote(await publishedCheckpoint(w.db), [vkey()]).text);
    expect(served.size).toBe(horizon);
    expect(served.root).toEqual(rootOf((await leaves()).slice(0, horizon)));
    const ok = await inclusionProof(w.db, 0, horizon);
    expect(ok.proof.length).toBeGreaterThan(0);
    for (const past of [() => inclusionProof(w.db, 0, horizon + 1), () => consistencyProof(w.db, 1, horizon + 1)])
      await expect(past()).rejects.toMatchObject({ code: "bad_request", details: { max: horizon } });
    expect(await verifyAuditLog(w.db)).toMatchObject({ ok: true });
  });

  it("a rewrite with recomputed hashes and a rebuilt tree fails the signed root", async () => {
    await writeCheckpointIfDue(w.db, later(200_000), { force: true });
    const target = await w.db.auditEntry.findFirstOrThrow({ where: { seq: 3n } });
    await w.database.asOwner(`ALTER TABLE audit_entries DISABLE TRIGGER ALL`);
    await w.database.asOwner(`ALTER TABLE audit_tree_hashes DISABLE TRIGGER ALL`);
    try {
      // The attacker edits entry 3, recomputes every later hash and rebuilds the whole tree.
      const rows = await w.db.auditEntry.findMany({ where: { seq: { gte: 3n } }, orderBy: { seq: "asc" } });
      let prev = target.prevHash;
      for (const r of rows) {
        const edited = { ...r, prevHash: prev, actorLabel: r.seq === 3n ? "someone@evil.example" : r.actorLabel };
        const hash = auditEntryHash(edited);
        await w.database.asOwner(
          `UPDATE audit_entries SET "actorLabel" = '${edited.actorLabel}', "prevHash" = '${prev}', hash = '${hash}' WHERE seq = ${r.seq}`,
        );
        prev = hash;
      }
      await w.database.asOwner(`DELETE FROM audit_tree_hashes`);
    } finally {
      await w.database.asOwner(`ALTER TABLE audit_entries ENABLE TRIGGER ALL`);
      await w.database.asOwner(`ALTER TABLE audit_tree_hashes ENABLE TRIGGER ALL`);
    }
    await mutate(1, 300); // rebuilds the tree from the rewritten entries
    const verdict = await verifyAuditLog(w.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.brokenAt?.reason).toMatch(/rewritten|Merkle|root/i);
  });
});
