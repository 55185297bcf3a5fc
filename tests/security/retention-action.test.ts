// Issue 26 item 3: the outcome retention setting is an admin's, through the admin console's server
// action against the real server: anyone else is refused, bad input gets the one error model and
// changes nothing, and a valid setting is stored (its audit entry: tests/governance/retention.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";

let server: TestServer;
let admin: string;
let reviewer: string;
beforeAll(async () => {
  server = await startServer();
  admin = await signInCookie(server.baseUrl, "admin@demo.local");
  reviewer = await signInCookie(server.baseUrl, "reviewer1@demo.local");
}, 240_000);
afterAll(async () => server?.stop());

type Answer = { ok: boolean; data?: { months: number | null }; error?: { code: string; message: string } };
const set = async (cookie: string, input: unknown) =>
  (await callAction(server.baseUrl, cookie, "setRetentionAction", input)).result as Answer;
const REASON = "Raw outcomes older than a year go to the archive.";

describe("the retention setting", () => {
  it("is refused to a reviewer and for months that are not a whole number from 1 to 120", async () => {
    expect((await set(reviewer, { months: 12, reason: REASON })).error?.code).toBe("forbidden");
    for (const months of [0, 121, 2.5, "12"]) {
      const r = await set(admin, { months, reason: REASON });
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe("validation_failed");
    }
  }, 60_000);

  it("an admin sets it, and clears it to keep everything", async () => {
    expect(await set(admin, { months: 12, reason: REASON })).toMatchObject({ ok: true, data: { months: 12 } });
    expect(await set(admin, { months: null, reason: REASON })).toMatchObject({ ok: true, data: { months: null } });
  }, 60_000);
});
