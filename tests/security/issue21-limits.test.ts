// Issue 21 item 10: sign-in limits that no one can reset and that hold across instances.
// - The failure map was cleared whole at 50,000 keys: many addresses reset everyone's counters.
// - Limits were per instance: N instances allowed N times the guesses (two instances on one
//   PostgreSQL here, like two replicas behind a load balancer; skipped without TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressBlockedFor, loginBlockedFor, recordLoginFailure } from "@/lib/auth/login-limit";
import { DEMO_PASSWORD } from "@/lib/auth/demo-accounts";
import { startServer, type TestServer } from "../helpers/server";
import { instanceEnv, PG_URL, scratchDatabase, type ScratchDatabase } from "../production/support";

describe("10. the in-memory sign-in limits are never cleared whole", () => {
  it("60,000 sprayed failures do not reset a guessed account's delay", async () => {
    const victim = "admin@demo.local";
    const attacker = "203.0.113.7";
    for (let i = 0; i < 40; i++) await recordLoginFailure(victim, attacker);
    expect(await loginBlockedFor(victim, attacker)).toBeGreaterThan(0);
    expect(await addressBlockedFor(attacker)).toBeGreaterThan(0);
    for (let i = 0; i < 60_000; i++) await recordLoginFailure(`spray-${i}@example.test`, `198.18.${i >> 8}.${i & 255}`);
    expect(await loginBlockedFor(victim, attacker)).toBeGreaterThan(0);
    expect(await addressBlockedFor(attacker)).toBeGreaterThan(0);
  }, 120_000);
});

/** One credentials sign-in; "session", "refused" (wrong password) or "rate_limited". */
async function signInOnce(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: baseUrl }),
  });
  if (res.headers.getSetCookie().some((c) => c.includes("session-token"))) return "session";
  return /rate_limited/.test(res.headers.get("location") ?? "") ? "rate_limited" : "refused";
}

describe.skipIf(!PG_URL)("10. two instances on one PostgreSQL share one sign-in budget", () => {
  let db: ScratchDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    db = await scratchDatabase();
    const env = { ...instanceEnv(db.url), LOGIN_MAX_FAILURES: "3" };
    a = await startServer(env);
    b = await startServer(env);
  }, 400_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it("guesses alternated over A and B are slowed after the budget of one instance", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 6; i++)
      answers.push(await signInOnce(i % 2 ? b.baseUrl : a.baseUrl, "reviewer2@demo.local", `guess-${i}`));
    expect(answers.slice(0, 3)).toEqual(["refused", "refused", "refused"]);
    expect(answers.slice(3)).toEqual(["rate_limited", "rate_limited", "rate_limited"]);
    // Still no lock-out: the right password from an address that has not failed is not throttled...
    // (same address here, so the pair is slowed on both instances alike).
    expect(await signInOnce(b.baseUrl, "reviewer2@demo.local", DEMO_PASSWORD)).toBe("rate_limited");
    expect(await signInOnce(a.baseUrl, "reviewer1@demo.local", DEMO_PASSWORD)).toBe("session");
  }, 120_000);
});
