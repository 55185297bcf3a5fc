// Issue 24 item 4: a witness outside the operator's reach. `npm run audit:witness`, run the way an
// auditor runs it, cosigns two checkpoints in a row (each consistent with the last), the server serves
// the cosignatures with the checkpoint and the audit page counts them; then the operator rewrites the
// history in its own database (the triggers disabled, one early entry changed, the chain rehashed, the
// tree and the checkpoint file rebuilt, all signed again with the log's own key) and the witness
// refuses, exits non-zero and names both checkpoints.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEntryHash } from "@/lib/audit/hash";
import { callAction } from "../helpers/actions";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";
import { withStoppedServer } from "../helpers/stopped-store";

const NAME = "witness.test/w1";
let server: TestServer;
let work: string;
let admin: string;
let auditor: string;

function witness(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/audit-witness.ts", ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const files = () => ["--key", path.join(work, "witness.key"), "--state", path.join(work, "witness.json")];

/** The published checkpoint once its size is at least `min` (the job signs every second here). */
async function checkpointOfAtLeast(min: number): Promise<{ note: string; size: number }> {
  for (let i = 0; i < 240; i++) {
    const res = await fetch(`${server.baseUrl}/api/v1/audit/checkpoint`);
    if (res.ok) {
      const note = await res.text();
      const size = Number(note.split("\n")[1]);
      if (size >= min) return { note, size };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no checkpoint of size ≥ ${min}:\n${server.logs()}`);
}

async function witnessStatus() {
  const res = await fetch(`${server.baseUrl}/api/dashboard/audit/witnesses`, { headers: { cookie: auditor } });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: { size: string; witnessedBy: string[]; trusted: number; met: boolean } };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), "cwr-witness-"));
  server = await startServer({
    AUDIT_CHECKPOINT_SECONDS: "1",
    AUDIT_CHECKPOINT_EVERY: "1",
    JOBS_INTERVAL_MS: "500",
    AUDIT_CHECKPOINT_FILE: path.join(work, "checkpoints.jsonl"),
  });
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
  auditor = await signInCookie(server.baseUrl, "auditor@demo.local");
  // The demo holds an open request: readers see checkpoints up to its seal horizon only. Its requester
  // withdraws it, so checkpoints follow the head.
  const engineer = await signInCookie(server.baseUrl, "viewer@demo.local");
  const open = (await (
    await fetch(`${server.baseUrl}/api/dashboard/requests?status=open`, { headers: { cookie: engineer } })
  ).json()) as { rows: Array<{ id: string }> };
  for (const r of open.rows) await callAction(server.baseUrl, engineer, "withdrawAction", { requestId: r.id });
}, 240_000);

afterAll(async () => {
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a witness of the audit log (npm run audit:witness)", () => {
  it("is trusted by an admin, cosigns two checkpoints in a row, and the log serves and counts them", async () => {
    const init = witness("--init", "--name", NAME, ...files().slice(0, 2));
    expect(init.status, init.stderr).toBe(0);
    const vkey = init.stdout.trim();
    expect(vkey).toMatch(/^witness\.test\/w1\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);

    // Not yet trusted: the log refuses its cosignature and the witness says so.
    const first = await checkpointOfAtLeast(2);
    const untrusted = witness("--log", server.baseUrl, ...files());
    expect(untrusted.status).toBe(1);
    expect(untrusted.stderr).toMatch(/refused the cosignature: HTTP 403/);

    const added = await callAction(server.baseUrl, admin, "addWitnessAction", { vkey });
    expect(added.status, added.text).toBe(200);
    const bad = await callAction(server.baseUrl, admin, "addWitnessAction", {
      vkey: vkey.replace(/\+[0-9a-f]{8}\+/, "+00000000+"),
    });
    expect(bad.text).toMatch(/does not match its key/);

    const one = witness("--log", server.baseUrl, ...files());
    expect(one.status, one.stderr).toBe(0);
    const cosigned1 = JSON.parse(one.stdout.trim().split("\n").pop()!) as { cosigned: number; status: unknown };
    expect(cosigned1.cosigned).toBeGreaterThanOrEqual(first.size);
    // The log's answer to the cosignature: this checkpoint, witnessed by 1 of 1 trusted.
    expect(cosigned1.status).toEqual({
      size: String(cosigned1.cosigned),
      witnessedBy: [NAME],
      trusted: 1,
      quorum: 1,
      met: true,
    });
    const served = await (await fetch(`${server.baseUrl}/api/v1/audit/checkpoint`)).text();
    if (Number(served.split("\n")[1]) === cosigned1.cosigned) expect(served).toContain(`\n— ${NAME} `);

    // More audited changes, a later checkpoint: cosigned again, after its consistency proof.
    for (let i = 0; i < 3; i++) await createKey(server.baseUrl, "support-bot", `witness-${i}`);
    const later = await checkpointOfAtLeast(cosigned1.cosigned + 1);
    const two = witness("--log", server.baseUrl, ...files());
    expect(two.status, two.stderr).toBe(0);
    const cosigned2 = JSON.parse(two.stdout.trim().split("\n").pop()!) as { cosigned: number; status: unknown };
    expect(cosigned2.status).toMatchObject({ size: String(cosigned2.cosigned), witnessedBy: [NAME], met: true });
    expect(cosigned2.cosigned).toBeGreaterThanOrEqual(later.size);
    const state = JSON.parse(readFileSync(path.join(work, "witness.json"), "utf8")) as { size: number };
    expect(state.size).toBe(cosigned2.cosigned);
    const status = (await witnessStatus()).status;
    if (Number(status.size) === cosigned2.cosigned)
      expect(status).toMatchObject({ witnessedBy: [NAME], trusted: 1, met: true });
  });

  it("refuses a rewritten history, exits non-zero and names both checkpoints", async () => {
    const before = JSON.parse(readFileSync(path.join(work, "witness.json"), "utf8")) as { size: number; note: string };
    await withStoppedServer(server, async (db) => {
      const tables = ["audit_entries", "audit_tree_hashes", "audit_checkpoints"];
      for (const t of tables) await db.$executeRawUnsafe(`ALTER TABLE "${t}" DISABLE TRIGGER ALL`);
      const rows = await db.auditEntry.findMany({ orderBy: { seq: "asc" } });
      let prevHash = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const actorLabel = row.seq === 2n ? "someone else" : row.actorLabel;
        const hash = auditEntryHash({ ...row, actorLabel, prevHash });
        await db.auditEntry.update({ where: { seq: row.seq }, data: { actorLabel, prevHash, hash } });
        prevHash = hash;
      }
      await db.$executeRawUnsafe(`DELETE FROM audit_cosignatures`);
      await db.$executeRawUnsafe(`DELETE FROM audit_checkpoints`);
      await db.$executeRawUnsafe(`DELETE FROM audit_tree_hashes`);
      for (const t of tables) await db.$executeRawUnsafe(`ALTER TABLE "${t}" ENABLE TRIGGER ALL`);
    });
    rmSync(path.join(work, "checkpoints.jsonl"), { force: true }); // the operator holds the data folder
    await server.restart();
    await createKey(server.baseUrl, "support-bot", "after-rewrite");
    await checkpointOfAtLeast(before.size);

    const refused = witness("--log", server.baseUrl, ...files());
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/REFUSED to cosign: (inconsistent|fork)/);
    expect(refused.stderr).toContain(before.note.split("\n\n")[0]);
    const now = refused.stderr.split("--- the checkpoint the log serves now ---\n")[1]!;
    expect(now.split("\n").slice(0, 3).join("\n")).not.toBe(before.note.split("\n").slice(0, 3).join("\n"));
    // The witness's state still holds the last good checkpoint: it never moves to the forged history.
    expect(JSON.parse(readFileSync(path.join(work, "witness.json"), "utf8")).size).toBe(before.size);
  });
});
