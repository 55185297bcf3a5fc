// How many SQL statements one approval that applies a promotion costs, counted at the driver (pg's
// Client.query) on PostgreSQL. The bound is a ratchet: 46 before the one interpreter of action-type state
// (issue 13), 12 with it (lock and load twice, four writes, one audit batch, BEGIN/COMMIT); only ever lower it.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { eligibleCrawl, later, NOW, openWorld, RATIONALE, type World } from "./world";

const onPostgres = process.env.TEST_BACKEND === "postgres";
/** Statements of the approving review (BEGIN and COMMIT included), today. Lower it when you cut some. */
const MAX_STATEMENTS = Number(process.env.APPROVAL_SQL_MAX ?? 12);

let w: World;
let counting = false;
let statements: string[] = [];
const original = pg.Client.prototype.query;

beforeAll(async () => {
  if (!onPostgres) return;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (counting)
      statements.push(
        String(typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string })?.text ?? "?")).slice(0, 80),
      );
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  w = await openWorld();
});
afterAll(async () => {
  pg.Client.prototype.query = original;
  await w?.database.close();
});

describe.runIf(onPostgres)("SQL statements per approval (PostgreSQL)", () => {
  it(`the approval that applies a promotion takes at most ${MAX_STATEMENTS} statements`, async () => {
    const s = await eligibleCrawl(w.db, "medium");
    const { id } = await openPromotionRequest(w.db, w.people.engineer, { actionTypeId: s.id, kind: "promotion" }, NOW);
    await reviewRequest(w.db, w.people.reviewer1, { requestId: id, decision: "approve", rationale: RATIONALE }, NOW);
    statements = [];
    counting = true;
    const last = await reviewRequest(
      w.db,
      w.people.reviewer2,
      { requestId: id, decision: "approve", rationale: RATIONALE },
      later(60_000),
    );
    counting = false;
    expect(last).toMatchObject({ status: "applied" });
    if (process.env.APPROVAL_SQL_PRINT) console.log(`${statements.length} statements:\n${statements.join("\n")}`);
    expect(statements.length).toBeLessThanOrEqual(MAX_STATEMENTS);
  });
});
