// A full disk on the embedded default (issue 27, item 3): the production server's data folder on a small
// tmpfs, filled up while 1,000-event batches arrive. Writes are refused with a clear error (507 or
// 503 and a message, never a bare 500), a start on the full disk says why it cannot start, and once
// space is freed the product starts on the same folder, every acknowledged event is there and the
// audit chain verifies. Needs root (to mount a tmpfs); skipped, said so, otherwise.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { createKey, kill, signInCookie, startServer, type TestServer } from "../helpers/server";
import { sleep } from "../production/support";

const SIZE = "128m"; // a seeded data folder takes ~40 MB
const BATCH = 1000;

/** Mounts a tmpfs of SIZE on a new folder; null (and why) where that is not possible. */
function mountTmpfs(): { dir: string } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: "mounting a tmpfs needs root" };
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-full-disk-"));
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${SIZE}`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mount -t tmpfs failed: ${r.stderr.trim() || r.error?.message}` };
  }
  return { dir };
}

/** Writes zeros until the file system refuses (ENOSPC), in smaller and smaller chunks: it is full. */
function fill(file: string) {
  const fd = openSync(file, "a");
  try {
    for (let chunk = 1 << 20; chunk >= 512; chunk >>= 1) {
      const zeros = Buffer.alloc(chunk);
      for (;;) {
        try {
          writeSync(fd, zeros);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "ENOSPC") break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

// Whether a tmpfs can be mounted here, tried once and undone at once: the test's own mount is made in
// its beforeAll, so a skipped or filtered-out run leaves nothing mounted.
const probe = mountTmpfs();
if ("dir" in probe) {
  spawnSync("umount", [probe.dir]);
  rmSync(probe.dir, { recursive: true, force: true });
} else console.log(`full-disk test skipped: ${probe.skip}`);

describe.skipIf("skip" in probe)("a full disk on the embedded database", () => {
  let dir = "";
  let dataDir = "";
  let filler = "";
  let server: TestServer;
  let key: string;
  const run = randomBytes(4).toString("hex");
  const acknowledged = new Set<string>();
  let sent = 0;

  beforeAll(async () => {
    const mounted = mountTmpfs();
    if (!("dir" in mounted)) throw new Error(mounted.skip);
    dir = mounted.dir;
    dataDir = path.join(dir, "pglite");
    filler = path.join(dir, "filler");
    server = await startServer({ PGLITE_DIR: dataDir, DEMO_AGENT: "off" });
    key = await createKey(server.baseUrl, "support-bot", "full disk test", "reporter");
  }, 180_000);

  afterAll(async () => {
    if (server) await server.stop().catch(() => {});
    if (dir) {
      spawnSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const batch = () =>
    Array.from({ length: BATCH }, () => ({
      action: "ticket.tag",
      kind: "suggestion.accepted",
      tier: "CRAWL",
      idempotencyKey: `${run}-${sent++}`,
      occurredAt: new Date().toISOString(),
      // bulk, so the WAL and the tables outgrow what little space is left
      metadata: { note: "x".repeat(400) },
    }));

  it("refuses writes with a clear error, says why it cannot start, and recovers once space is freed", async () => {
    fill(filler);

    // Batches until the database needs space it does not have (its WAL segment may absorb a few).
    let refusal: { status: number; body: string } | null = null;
    for (let i = 0; i < 200 && !refusal; i++) {
      const events = batch();
      const res = await fetch(`${server.baseUrl}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ events }),
      });
      const body = await res.text();
      if (res.status === 200) for (const e of events) acknowledged.add(e.idempotencyKey);
      else refusal = { status: res.status, body };
    }
    expect(refusal, "the full disk was noticed").not.toBeNull();
    expect([503, 507], refusal!.body).toContain(refusal!.status);
    const error = (JSON.parse(refusal!.body) as { error: { code: string; message: string } }).error;
    expect(error.message).toMatch(/disk|space|storage/i);
    // The server is still up and reads still work (readiness reads the migrations table).
    expect((await fetch(`${server.baseUrl}/api/ready`)).status).toBe(200);

    // A start on the full disk: either it starts (reading needs no space) or it says why it cannot.
    await kill(server.process, "SIGKILL");
    const started = await server.restart().then(
      () => null,
      (e: Error) => e.message.split("\n").find((l) => l.includes("cannot start")) ?? e.message,
    );
    console.log(
      `full-disk test: a start on the full disk ${started === null ? "succeeded" : `stopped: ${started.split("\n")[0]}`}`,
    );
    if (started !== null) {
      expect(started).toMatch(/cannot start: .*(disk|space)/i);
      expect(started).not.toMatch(/\n\s+at \S+/); // one clear line, no stack
    } else {
      await kill(server.process, "SIGKILL");
    }

    // Space freed: the product starts on the same folder, and nothing is corrupted.
    rmSync(filler);
    await server.restart();
    const cookie = await signInCookie(server.baseUrl, "admin@demo.local");
    const verify = await fetch(`${server.baseUrl}/api/dashboard/audit/verify`, { headers: { cookie } });
    const verdict = (await verify.json()) as { ok: boolean };
    expect(verify.status).toBe(200);
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
    // and it takes writes again
    const res = await fetch(`${server.baseUrl}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events: batch().slice(0, 10) }),
    });
    expect(res.status, await res.clone().text()).toBe(200);

    // Every acknowledged event is stored (the folder opened here, after the server stops).
    await kill(server.process, "SIGTERM");
    await sleep(100);
    const db = await openDatabase({ target: { kind: "pglite", dir: dataDir } });
    try {
      const stored = await db.prisma.outcomeEvent.count({ where: { idempotencyKey: { in: [...acknowledged] } } });
      expect(stored).toBe(acknowledged.size);
    } finally {
      await db.close();
    }
  }, 120_000);
});
