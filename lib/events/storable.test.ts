import { describe, expect, it } from "vitest";
import { findUnstorable, outOfDatabaseRange } from "./storable";

describe("findUnstorable", () => {
  it("accepts ordinary events", () => {
    expect(findUnstorable({ a: "text", b: [1, { c: "é😀" }] })).toBeNull();
  });
  it("finds NUL characters, lone surrogates and __proto__ keys, with their path", () => {
    expect(findUnstorable({ metadata: { note: "a\u0000b" } })?.path).toBe("metadata.note");
    expect(findUnstorable({ subjectRef: "\ud800" })?.message).toMatch(/well-formed/);
    expect(findUnstorable(JSON.parse('{"metadata":{"__proto__":{"x":1}}}'))?.path).toBe("metadata.__proto__");
  });
  it("walks any depth without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(findUnstorable({ metadata: deep })?.message).toMatch(/8 levels/);
  });
  it("knows PostgreSQL has no year 0", () => {
    expect(outOfDatabaseRange("0000-06-01T00:00:00Z")).toBe(true);
    expect(outOfDatabaseRange("0001-01-01T00:00:00Z")).toBe(false);
  });
});
