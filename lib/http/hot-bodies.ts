// A precompiled check of the two hot bodies (a decision request, an OFREP evaluation request): plain
// property tests instead of zod's generic walk. It accepts exactly the bodies the zod schema accepts
// (lib/http/hot-bodies.test.ts proves it with fast-check) and hands everything else to zod, so that
// every refusal is zod's own: the same code, message and details as any other route.
import type { z } from "zod";
import { ACTION_KEY, CONTROL_CHARACTER, LONE_SURROGATE } from "@/lib/events/schema";
import type { decisionRequestSchema } from "@/lib/action-types/schema";
import type { ofrepRequestSchema } from "./ofrep";
import { parsePart } from "./route";

type DecisionRequest = z.infer<typeof decisionRequestSchema>;
type OfrepRequest = z.infer<typeof ofrepRequestSchema>;

/** A JSON object (not an array, not null). */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** referenceSchema(max) of lib/events/schema.ts */
export const isReference = (v: unknown, max: number): v is string =>
  typeof v === "string" && v.length >= 1 && v.length <= max && !CONTROL_CHARACTER.test(v) && !LONE_SURROGATE.test(v);

/** decisionRequestSchema's value, or undefined when zod must answer (a refusal, or anything unusual). */
export function fastDecisionRequest(v: unknown): DecisionRequest | undefined {
  if (!isObject(v)) return undefined;
  const { action, audience, subject } = v;
  let keys = 2;
  if (typeof action !== "string" || !ACTION_KEY.test(action)) return undefined;
  if (audience !== "internal" && audience !== "external") return undefined;
  if (subject !== undefined) {
    if (!isReference(subject, 256)) return undefined;
    keys = 3;
  }
  // strict: no other key (and a key named "subject" holding undefined cannot come from JSON)
  if (Object.keys(v).length !== keys) return undefined;
  return subject === undefined ? { action, audience } : { action, audience, subject };
}

/** ofrepRequestSchema's value, or undefined when zod must answer. */
export function fastOfrepRequest(v: unknown): OfrepRequest | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 0) return {};
  if (keys.length !== 1 || keys[0] !== "context") return undefined;
  const context = v.context;
  if (!isObject(context)) return undefined;
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(context)) {
    // "__proto__" is an own key of a parsed body, but zod's copy assigns it as a prototype: zod answers.
    if (k.length > 256 || k === "__proto__") return undefined;
    copy[k] = context[k];
  }
  return { context: copy };
}

/** The body through its fast validator, else through zod (which then refuses it, or accepts it). */
export function parseHotBody<T>(schema: z.ZodType<T>, fast: (v: unknown) => T | undefined, value: unknown): T {
  return fast(value) ?? parsePart(schema, value, "body");
}
