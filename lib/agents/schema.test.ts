// The slug and action-key rules are written once (AGENT_SLUG, ACTION_KEY) and every route, action and
// form reads them: these tests hold the shared schemas to the rules the four copies used to spell out.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTION_KEY, actionKeySchema } from "@/lib/events/schema";
import { actionTypeInputSchema, AGENT_SLUG, agentInputSchema, agentSlugParamsSchema, agentSlugSchema } from "./schema";

// The literals as the routes, the admin actions and OpenAPI wrote them before.
const OLD_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const OLD_ACTION_KEY = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** Strings near the rules' edges: their own alphabet plus upper case, spaces, newlines and non-ASCII. */
const nearly = (maxLength: number) =>
  fc.string({
    unit: fc.constantFrom(..."az09-._ A\n\u00e9\u0000".split("")),
    maxLength,
  });

describe("agent slug", () => {
  it("is the old rule, in the path and in the form", () => {
    expect(AGENT_SLUG.source).toBe(OLD_SLUG.source);
    fc.assert(
      fc.property(nearly(70), (s) => {
        expect(agentSlugSchema.safeParse(s).success).toBe(OLD_SLUG.test(s));
        expect(agentSlugParamsSchema.safeParse({ slug: s }).success).toBe(OLD_SLUG.test(s));
      }),
    );
    for (const s of ["support-bot", "a", "0", "a".repeat(63)]) expect(agentSlugSchema.safeParse(s).success).toBe(true);
    for (const s of ["", "-bot", "Bot", "a".repeat(64), "bot\n", "bot.x", "bot_x", " bot"])
      expect(agentSlugSchema.safeParse(s).success).toBe(false);
  });

  it("keeps the route's message (zod's, quoting the pattern) and the form's words", () => {
    const path = agentSlugParamsSchema.safeParse({ slug: "Bad" });
    expect(path.error?.issues.map((i) => i.message)).toEqual([`Invalid string: must match pattern ${OLD_SLUG}`]);
    const form = agentInputSchema.safeParse({ slug: "Bad", name: "n", owner: "o" });
    expect(form.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "slug: use lowercase letters, digits and dashes, starting with a letter or digit, at most 63 characters (e.g. support-bot)",
    ]);
    expect(agentInputSchema.safeParse({ name: "n", owner: "o" }).error?.issues[0]?.message).toBe("required");
  });
});

describe("action key", () => {
  it("is the old rule, for ingestion, routes and the admin form", () => {
    expect(ACTION_KEY.source).toBe(OLD_ACTION_KEY.source);
    const key = actionTypeInputSchema.shape.key;
    fc.assert(
      fc.property(nearly(135), (s) => {
        expect(actionKeySchema.safeParse(s).success).toBe(OLD_ACTION_KEY.test(s));
        expect(key.safeParse(s).success).toBe(OLD_ACTION_KEY.test(s));
      }),
    );
    for (const s of ["refund.issue", "a_b-c.d", "x".repeat(128)]) expect(key.safeParse(s).success).toBe(true);
    for (const s of ["", ".refund", "Refund", "x".repeat(129), "refund issue"])
      expect(key.safeParse(s).success).toBe(false);
  });

  it("says the pattern in the agent API's message", () => {
    expect(actionKeySchema.safeParse("Bad").error?.issues[0]?.message).toBe(`must match ${OLD_ACTION_KEY.source}`);
  });
});
