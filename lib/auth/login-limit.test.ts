import { describe, expect, it } from "vitest";
import { clearLoginFailures, delayAfter, loginBlockedFor, recordLoginFailure } from "./login-limit";

describe("sign-in throttling per (account, address) and per address", () => {
  it("slows one account from one address with growing delays", () => {
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(loginBlockedFor("a@x", "1.1.1.1", t0 + i)).toBe(0);
      recordLoginFailure("a@x", "1.1.1.1", t0 + i);
    }
    expect(loginBlockedFor("a@x", "1.1.1.1", t0 + 10)).toBe(1);
    recordLoginFailure("a@x", "1.1.1.1", t0 + 2000);
    expect(loginBlockedFor("a@x", "1.1.1.1", t0 + 2001)).toBe(2);
    expect([5, 6, 7, 8].map((n) => delayAfter(n, 5))).toEqual([1000, 2000, 4000, 8000]);
    expect(delayAfter(100, 5)).toBe(15 * 60_000);
  });

  it("never locks the account's owner out from an address that has not failed", () => {
    const t0 = 2_000_000;
    for (let i = 0; i < 500; i++) recordLoginFailure("victim@x", `9.9.${i % 250}.${Math.floor(i / 250)}`, t0 + i);
    for (let i = 0; i < 100; i++) recordLoginFailure("victim@x", "6.6.6.6", t0 + i);
    expect(loginBlockedFor("victim@x", "6.6.6.6", t0 + 1000)).toBeGreaterThan(0);
    expect(loginBlockedFor("victim@x", "192.0.2.1", t0 + 1000)).toBe(0);
  });

  it("slows an address guessing many accounts, and only that address", () => {
    const t0 = 3_000_000;
    for (let i = 0; i < 30; i++) recordLoginFailure(`u${i}@x`, "7.7.7.7", t0 + i);
    expect(loginBlockedFor("fresh@x", "7.7.7.7", t0 + 100)).toBeGreaterThan(0);
    expect(loginBlockedFor("fresh@x", "7.7.7.8", t0 + 100)).toBe(0);
  });

  it("a success clears that account's failures from that address", () => {
    for (let i = 0; i < 5; i++) recordLoginFailure("c@x", "4.4.4.4", 5_000 + i);
    expect(loginBlockedFor("c@x", "4.4.4.4", 5_010)).toBeGreaterThan(0);
    clearLoginFailures("c@x", "4.4.4.4");
    expect(loginBlockedFor("c@x", "4.4.4.4", 5_011)).toBe(0);
  });
});
