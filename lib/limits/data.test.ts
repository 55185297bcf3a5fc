// The PostgreSQL store of failed sign-ins against a real database (PGlite, or PostgreSQL with TEST_BACKEND).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "@/tests/helpers/db";
import { DatabaseFailureStore } from "./data";

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => db?.close?.());

describe("DatabaseFailureStore", () => {
  it("tallies failures per key within the window, clears one key, and two stores share the count", async () => {
    const a = new DatabaseFailureStore(async () => db.prisma);
    const b = new DatabaseFailureStore(async () => db.prisma);
    const t0 = Date.parse("2026-12-01T10:00:00Z");
    await a.record(["p:127.0.0.1|x@example.test", "ip:1"], t0, 60_000);
    await b.record(["p:127.0.0.1|x@example.test", "ip:1"], t0 + 10, 60_000);
    await a.record(["p:y", "ip:1"], t0 + 20, 60_000);
    expect(await b.tally(["p:127.0.0.1|x@example.test", "ip:1", "p:none"], t0 - 1)).toEqual([
      { count: 2, last: t0 + 10 },
      { count: 3, last: t0 + 20 },
      { count: 0, last: 0 },
    ]);
    expect((await a.tally(["p:127.0.0.1|x@example.test"], t0 + 5))[0]).toEqual({ count: 1, last: t0 + 10 });
    await b.clear("p:127.0.0.1|x@example.test");
    expect((await a.tally(["p:127.0.0.1|x@example.test", "ip:1"], t0 - 1)).map((t) => t.count)).toEqual([0, 3]);
  });
});
