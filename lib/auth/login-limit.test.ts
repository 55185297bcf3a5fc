import { describe, expect, it } from "vitest";
import { clearLoginFailures, loginBlockedFor, recordLoginFailure } from "./login-limit";

describe("sign-in rate limit", () => {
  it("blocks an account after repeated failures, for the rest of the window", () => {
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) {
      expect(loginBlockedFor("a@x", "1.1.1.1", t0 + i)).toBe(0);
      recordLoginFailure("a@x", "1.1.1.1", t0 + i);
    }
    expect(loginBlockedFor("a@x", "2.2.2.2", t0 + 20)).toBeGreaterThan(500);
    expect(loginBlockedFor("b@x", "3.3.3.3", t0 + 20)).toBe(0);
    expect(loginBlockedFor("a@x", "2.2.2.2", t0 + 10 * 60_000 + 20)).toBe(0);
  });

  it("a success clears the account's failures", () => {
    for (let i = 0; i < 9; i++) recordLoginFailure("c@x", "4.4.4.4", 5_000 + i);
    clearLoginFailures("c@x");
    recordLoginFailure("c@x", "4.4.4.4", 6_000);
    expect(loginBlockedFor("c@x", "5.5.5.5", 6_001)).toBe(0);
  });
});
