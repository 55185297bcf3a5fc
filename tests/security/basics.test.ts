// Security basics on the real server: headers, session cookie flags, CSRF on sign-in, sign-in rate
// limit, and no secret in the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ LOGIN_MAX_FAILURES: "3" });
}, 240_000);
afterAll(async () => server?.stop());

async function csrf() {
  const res = await fetch(`${server.baseUrl}/api/auth/csrf`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { token: ((await res.json()) as { csrfToken: string }).csrfToken, cookie };
}

async function signIn(email: string, password: string, withCsrf = true) {
  const { token, cookie } = await csrf();
  return fetch(`${server.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({
      ...(withCsrf ? { csrfToken: token } : {}),
      email,
      password,
      callbackUrl: server.baseUrl,
    }),
  });
}

describe("security basics", () => {
  it("sends security headers on pages and API answers", async () => {
    for (const path of ["/signin", "/api/health"]) {
      const res = await fetch(server.baseUrl + path);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("sets the session cookie HttpOnly and SameSite=Lax", async () => {
    const res = await signIn("viewer@demo.local", "walk-before-you-run");
    const session = res.headers.getSetCookie().find((c) => c.includes("session-token"));
    expect(session).toBeDefined();
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
  });

  it("refuses a sign-in post without the CSRF token", async () => {
    const res = await signIn("viewer@demo.local", "walk-before-you-run", false);
    expect(res.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
  });

  it("rate-limits failed sign-ins per account: even the right password is refused for a while", async () => {
    for (let i = 0; i < 3; i++) {
      const bad = await signIn("auditor@demo.local", "wrong-password");
      expect(bad.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
    }
    const good = await signIn("auditor@demo.local", "walk-before-you-run");
    expect(good.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(false);
    expect(good.headers.get("location") ?? "").toMatch(/rate_limited|error/);
    // Another account is unaffected.
    const other = await signIn("reviewer2@demo.local", "walk-before-you-run");
    expect(other.headers.getSetCookie().some((c) => c.includes("session-token"))).toBe(true);
  });

  it("never writes an API key or a password into the logs", async () => {
    const key = await createKey(server.baseUrl, "support-bot", "log-check");
    await fetch(`${server.baseUrl}/api/v1/tiers`, { headers: { authorization: `Bearer ${key}` } });
    await fetch(`${server.baseUrl}/api/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: "{bad json",
    });
    await signIn("viewer@demo.local", "a-wrong-password-123");
    const logs = server.logs();
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(key.slice(4));
    expect(logs).not.toContain("a-wrong-password-123");
    expect(logs).not.toContain("walk-before-you-run");
  });
});
