// Two instances' limiters on one real database (PGlite, or PostgreSQL with TEST_BACKEND) spend from one
// bucket per key: together they allow one burst plus at most the stated overshoot, and no more.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "@/tests/helpers/db";
import { SharedRateLimiter } from "@/lib/http/rate-limit";
import { REFRESH_MS, sharedOvershootBound } from "@cwr/gating/api-budget";
import { takeLease } from "./data";

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => db?.close?.());

const RATE = 0.001; // next to no refill during the test: the burst is the budget
const BURST = 50;

describe("SharedRateLimiter on one database", () => {
  it("two instances together allow one burst (+ the stated overshoot), and use most of it", async () => {
    const lease = (key: string, ask: Parameters<typeof takeLease>[2]) => takeLease(db.prisma, key, ask);
    const a = new SharedRateLimiter(RATE, BURST, lease);
    const b = new SharedRateLimiter(RATE, BURST, lease);
    let now = 1_000_000;
    let allowed = 0;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 10; i++) if ((i % 2 ? a : b).take("key-1", now).ok) allowed++;
      await Promise.all([a.settled(), b.settled()]);
      now += REFRESH_MS;
    }
    expect(allowed).toBeLessThanOrEqual(BURST + sharedOvershootBound(RATE, BURST, 2));
    expect(allowed).toBeGreaterThanOrEqual(BURST - sharedOvershootBound(RATE, BURST, 2));
    const refused = a.take("key-1", now);
    expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket.
    expect(a.take("key-2", now).ok).toBe(true);
  }, 60_000);

  it("a lease never hands out tokens the bucket does not have, and charges credit first", async () => {
    const ask = { perSecond: RATE, burst: 10, ask: 4, charge: 0 };
    expect(await takeLease(db.prisma, "key-3", ask)).toMatchObject({ granted: 4 });
    expect(await takeLease(db.prisma, "key-3", { ...ask, charge: 3 })).toMatchObject({ granted: 3 });
    const dry = await takeLease(db.prisma, "key-3", { ...ask, charge: 2 });
    expect(dry.granted).toBe(0);
    expect(dry.shared).toBeLessThan(0);
  });
});
