// Issue 26 item 4: the two hot bodies (a decision request, an OFREP evaluation request) are checked by
// a precompiled validator instead of zod. It must answer exactly as the zod schema does: the same
// accept or reject, the same parsed value, and for a refusal the same error code, message and details.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { decisionRequestSchema } from "@/lib/action-types/schema";
import { ofrepRequestSchema } from "./ofrep";
import { parsePart } from "./route";
import { AppError } from "@/lib/errors";
import { fastDecisionRequest, fastOfrepRequest, parseHotBody } from "./hot-bodies";

/** What the route answers: the parsed body, or the error body of the refusal. */
function outcome(run: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { ok: false, error: e.toBody() };
  }
}

/** Strings near every rule's edge: action keys, control characters, lone surrogates, lengths. */
const edgyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,127}$/),
  fc.constantFrom(
    "",
    "ticket.tag",
    "Ticket.tag",
    ".x",
    "a".repeat(128),
    "a".repeat(129),
    "x".repeat(256),
    "x".repeat(257),
    "\u0000",
    "a\u001fb",
    "\u007f",
    "\u009f",
    "\u00a0",
    "\ud800",
    "a\udc00",
    "\ud83d\ude00",
    "\ud83d",
    "internal",
    "external",
    "__proto__",
    "constructor",
  ),
);

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  edgyString,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, 0, -1, 1.5, [], {}, ["internal"]),
);

/** JSON bodies: mostly near-valid decision requests with one or two fields spoilt, and arbitrary JSON. */
const decisionBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      action: fc.oneof(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), edgyString, anyValue),
      audience: fc.oneof(fc.constantFrom("internal", "external"), edgyString, anyValue),
      subject: fc.oneof(edgyString, anyValue),
    },
    { requiredKeys: [] },
  ),
  fc
    .tuple(
      fc.record({
        action: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
        audience: fc.constantFrom("internal", "external"),
      }),
      fc.dictionary(edgyString, anyValue, { maxKeys: 2 }),
    )
    .map(([base, extra]) => ({ ...extra, ...base })),
  fc.jsonValue({ maxDepth: 3 }),
);

const ofrepBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ context: fc.dictionary(edgyString, anyValue, { maxKeys: 4 }) }, { requiredKeys: [] }),
  fc.record({ context: anyValue }),
  fc.dictionary(fc.oneof(fc.constant("context"), edgyString), anyValue, { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Only what JSON.parse can hand the route: the body is always parsed from text. */
const asJson = (v: unknown): unknown => {
  const text = JSON.stringify(v);
  return text === undefined ? null : JSON.parse(text);
};

function agreement<T>(
  name: string,
  schema: z.ZodType<T>,
  fast: (v: unknown) => T | undefined,
  body: fc.Arbitrary<unknown>,
) {
  describe(name, () => {
    it("gives what zod gives: the same value, or the same error code, message and details", () => {
      let accepted = 0;
      fc.assert(
        fc.property(body.map(asJson), (v) => {
          if (schema.safeParse(v).success) accepted++;
          expect(outcome(() => parseHotBody(schema, fast, v))).toEqual(outcome(() => parsePart(schema, v, "body")));
        }),
        { numRuns: 3000 },
      );
      // Both sides are exercised: many bodies are valid, many are not.
      expect(accepted).toBeGreaterThan(300);
      expect(accepted).toBeLessThan(2700);
    });

    it("accepts on its own the bodies zod accepts (bar a __proto__ key), with the same value, and nothing else", () => {
      fc.assert(
        fc.property(body.map(asJson), (v) => {
          const z = schema.safeParse(v);
          const f = fast(v);
          // Never accepts what zod refuses; defers to zod only on a key named __proto__ (which zod copies oddly).
          if (f !== undefined) expect(z.success && f).toEqual(z.data);
          else if (z.success) expect(JSON.stringify(v)).toContain('"__proto__"');
        }),
        { numRuns: 3000 },
      );
    });
  });
}

agreement("the decision request's validator", decisionRequestSchema, fastDecisionRequest, decisionBody);
agreement("the OFREP evaluation request's validator", ofrepRequestSchema, fastOfrepRequest, ofrepBody);

describe("the JSON bodies an attacker sends", () => {
  it("refuses a key named __proto__ as zod does", () => {
    for (const text of [
      '{"action":"a","audience":"internal","__proto__":{"subject":"x"}}',
      '{"context":{"__proto__":{"targetingKey":"x"}}}',
      '{"__proto__":{"context":{}}}',
    ]) {
      const v = JSON.parse(text);
      for (const [schema, fast] of [
        [decisionRequestSchema, fastDecisionRequest],
        [ofrepRequestSchema, fastOfrepRequest],
      ] as const) {
        expect(outcome(() => parseHotBody(schema as z.ZodType, fast, v))).toEqual(
          outcome(() => parsePart(schema as z.ZodType, v, "body")),
        );
      }
    }
  });
});
