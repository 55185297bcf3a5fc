import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseLockedError, lockDataDir } from "./pglite-lock";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "cwr-lock-"));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the PGlite folder lock", () => {
  it("refuses a second process with a clear error while the first is alive", async () => {
    const dir = tempDir();
    // Another process holds the lock: it writes its pid as the lock does, then waits.
    const holder = spawn(process.execPath, [
      "-e",
      `require("fs").writeFileSync(${JSON.stringify(path.join(dir, "cwr.lock"))}, String(process.pid)); setTimeout(() => {}, 60000)`,
    ]);
    // Wait until it holds the lock (a fixed pause was too short on a loaded machine).
    for (let i = 0; i < 200 && !existsSync(path.join(dir, "cwr.lock")); i++)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 50));
    try {
      expect(() => lockDataDir(dir)).toThrow(DatabaseLockedError);
      expect(() => lockDataDir(dir)).toThrow(/already open in another process \(pid \d+\)/);
    } finally {
      holder.kill("SIGKILL");
      await new Promise((r) => holder.once("exit", r));
    }
    // Its process is gone: the stale lock is taken over.
    const release = lockDataDir(dir);
    release();
    expect(existsSync(path.join(dir, "cwr.lock"))).toBe(false);
  });

  it("takes over a lock left by a process that no longer exists", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "cwr.lock"), "999999999");
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DatabaseLockedError); // now held by us
    release();
  });

  it("two processes taking over one stale lock at once: exactly one wins, in each of 30 trials", async () => {
    const script = path.join(tempDir(), "contender.mjs");
    // Each contender waits for a shared start time and takes the lock; the winner holds it until both decided.
    writeFileSync(
      script,
      `import { lockDataDir } from ${JSON.stringify(path.resolve("lib/db/pglite-lock.ts"))};
import { readdirSync, writeFileSync } from "node:fs";
const [dir, startAt] = process.argv.slice(2);
const say = (what) => { writeFileSync(dir + "/outcome-" + process.pid, what); console.log(what); };
while (Date.now() < Number(startAt)) {}
try {
  lockDataDir(dir);
  say("won");
  // Hold the lock until the other contender has decided (a winner that exited would rightly be taken over).
  const until = Date.now() + 30000;
  const wait = () => (readdirSync(dir).filter((f) => f.startsWith("outcome-")).length >= 2 || Date.now() > until ? process.exit(0) : setTimeout(wait, 20));
  wait();
} catch (e) { say(e.name === "DatabaseLockedError" ? "locked" : "error " + e.message); process.exit(0); }
`,
    );
    const outcomes: string[][] = [];
    for (let trial = 0; trial < 30; trial++) {
      const dir = tempDir();
      writeFileSync(path.join(dir, "cwr.lock"), "999999999"); // left by a process that no longer exists
      const startAt = Date.now() + 1500;
      const run = () =>
        new Promise<string>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", script, dir, String(startAt)], {
            stdio: ["ignore", "pipe", "inherit"],
          });
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.on("exit", () => resolve(out.trim()));
        });
      outcomes.push((await Promise.all([run(), run()])).sort());
    }
    expect(outcomes).toEqual(Array.from({ length: 30 }, () => ["locked", "won"]));
  }, 180_000);
});
