import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined properties", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("gives the same text whatever order the keys were built in", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        // and it is JSON that parses back to the same value
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });

  it("writes Dates as ISO strings and BigInts as strings", () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)), seq: 12345678901234567890n })).toBe(
      '{"at":"2025-01-02T03:04:05.006Z","seq":"12345678901234567890"}',
    );
  });

  it("keeps array positions: undefined in an array is null", () => {
    expect(canonicalJson([1, undefined, "x", null])).toBe('[1,null,"x",null]');
  });

  it("sorts by UTF-16 code units and escapes strings like JSON", () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, "\n": 4 })).toBe('{"\\n":4,"A":3,"z":2,"é":1}');
    expect(canonicalJson(-0)).toBe("0");
  });

  it("uses toJSON where an object defines it (e.g. a decimal type)", () => {
    const decimal = { toJSON: () => "12.50" };
    expect(canonicalJson({ amount: decimal })).toBe('{"amount":"12.50"}');
  });

  it("refuses what it cannot encode faithfully instead of dropping it", () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson({ m: new Map() })).toThrow(TypeError);
    expect(() => canonicalJson({ d: new Date(Number.NaN) })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });

  it("allows the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it("treats a __proto__ key as plain data", () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });
});
