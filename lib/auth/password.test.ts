// Issue 21 item 7 (SPEC §6): sign-in hashing never takes the event loop's CPU. scrypt is CPU- and
// memory-hard; on a server pinned to one core (or a busy machine) a hash running at the event loop's
// own priority takes half the core from it while both want to run. Hashing runs on a thread of its
// own at the lowest scheduling priority, so the thread that answers the agents always goes first.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

/** nice value of every thread of this process (Linux /proc; field 19 of stat). */
function threadNices(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe("password hashing", () => {
  it("a right password verifies, a wrong one does not", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stable", stored)).toBe(false);
    expect(await verifyPassword("anything", null)).toBe(false);
  });

  it.runIf(process.platform === "linux")(
    "scrypt runs on a thread of the lowest priority, never the event loop's",
    async () => {
      const before = threadNices();
      expect(before[0]).toBeLessThan(19); // the main thread (the event loop) keeps its priority
      let during: number[] = [];
      const hashing = Promise.all(Array.from({ length: 4 }, (_, i) => hashPassword(`password ${i}`)));
      // Sample while the hashes run: some thread of the process is at nice 19 doing them.
      while (during.every((n) => n < 19)) {
        during = threadNices();
        const done = await Promise.race([hashing.then(() => true), new Promise((r) => setTimeout(() => r(false), 5))]);
        if (done) {
          during = threadNices();
          break;
        }
      }
      await hashing;
      expect(Math.max(...during)).toBe(19);
      expect(threadNices()[0]).toBe(before[0]);
    },
    30_000,
  );
});
