// The registry is exhaustive by type: a method without a module is a compile error (tsc runs on tests).
import { describe, expect, it } from "vitest";
import { GATE_METHODS, type GateMethod } from "../types";
import { GATES, gateOf } from "./index";
import type { GateModule } from "./types";

describe("the gate registry", () => {
  it("has one module per method, each naming its own method", () => {
    for (const m of GATE_METHODS) expect(gateOf(m).method).toBe(m);
    expect(Object.keys(GATES).sort()).toEqual([...GATE_METHODS].sort());
  });

  it("makes a missing method a type error", () => {
    // @ts-expect-error a registry without `raw` does not satisfy Record<GateMethod, GateModule>
    const partial: Record<GateMethod, GateModule> = { eprocess: GATES.eprocess, wilson: GATES.wilson };
    expect(Object.keys(partial)).toHaveLength(2);
    expect(() => gateOf("bogus" as GateMethod)).toThrow(RangeError);
  });
});
