// The registry of gate methods: the only place that maps a policy's `gate` to its module. The
// `satisfies` makes a method missing here a type error; everything else asks gateOf(method).

import type { GateMethod } from "../types";
import { eprocessGate } from "./eprocess";
import { rawGate } from "./raw";
import type { GateModule } from "./types";
import { wilsonGate } from "./wilson";

export type { FalsePromotion, GateDecision, GateModule, PromotionContext, SentenceParts, TakenLook } from "./types";
export { binomialUpperTail, clopperPearsonLower, criticalCount } from "./wilson";

export const GATES = {
  eprocess: eprocessGate,
  wilson: wilsonGate,
  raw: rawGate,
} as const satisfies Record<GateMethod, GateModule>;

/** The gate a new policy starts with. */
export const DEFAULT_GATE: GateMethod = eprocessGate.method;

export function gateOf(method: GateMethod): GateModule {
  const gate: GateModule | undefined = GATES[method];
  if (!gate) throw new RangeError(`unknown gate method ${String(method)}`);
  return gate;
}
