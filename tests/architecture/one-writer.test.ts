// One writer of action-type state (issue 13): a tier, a freeze, a ramp step, a policy version, a review
// request's state and its reviews are written only by lib/state/interpreter.ts, which applies what
// lib/gating decided. Held on the sources, so a second writer that must remember a follow-up (a
// re-pin, a supersede, the NOTIFY) cannot come back unnoticed.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./import-graph";

/** The interpreter: it loads and decides (interpreter.ts) and writes the effects (apply.ts). */
const THE_WRITER = "lib/state/apply.ts";
const THE_INTERPRETER = "lib/state/interpreter.ts";
/** The only other places, each with its reason. */
const ALLOWED: Record<string, string> = {
  "lib/agents/mutations.ts": "creating an action type writes its first policy version (nothing to re-pin yet)",
  "bench/lib/generate.ts": "the benchmark's bulk data generator writes a synthetic history straight in",
  "lib/state/mutations.ts":
    "the health summary's refresh when time alone changed it (issue 26): only the overview's read-model columns, no tier, policy or request state",
};

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const p = path.join(abs, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== "generated" && e.name !== "dist") walk(p);
      } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(path.relative(ROOT, p));
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

/** Writes of the state, by Prisma or by SQL. */
const WRITES: RegExp[] = [
  /\.tierChange\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\(/,
  /\.policy\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\(/,
  /\.reviewRequest\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\(/,
  /\.review\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\(/,
  /\.actionType\.(update|updateMany|upsert)\(/,
  /(INSERT INTO|UPDATE)\s+"?(tier_changes|policies|review_requests|reviews|action_types)\b/i,
];

describe("one writer of action-type state", () => {
  it(`only ${THE_WRITER} writes tiers, policy versions, requests and reviews`, () => {
    const offenders = ["lib", "app", "components", "scripts", "bench"].flatMap(sources).flatMap((file) => {
      if (file === THE_WRITER || ALLOWED[file]) return [];
      const src = fs.readFileSync(path.join(ROOT, file), "utf8");
      return WRITES.filter((re) => re.test(src)).map((re) => `${file}: ${re.source}`);
    });
    expect(offenders).toEqual([]);
  });

  it("exports none of the old writers that had to be followed by another call", () => {
    const exported = ["lib", "app"].flatMap(sources).flatMap((file) => {
      const src = fs.readFileSync(path.join(ROOT, file), "utf8");
      return [
        ...src.matchAll(
          /export\s+(?:async\s+)?function\s+(recordTierChange|recordSliderStep|writePolicyVersion|repinOpenRequests|supersedePolicyChanges)\b/g,
        ),
      ].map((m) => `${file}: ${m[1]}`);
    });
    expect(exported).toEqual([]);
  });

  it("the interpreter exports the commands, and its writer only the one way to apply effects", () => {
    const exported = (file: string) =>
      [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/^export\s+(?:async\s+)?function\s+(\w+)/gm)]
        .map((m) => m[1])
        .sort();
    expect(exported(THE_INTERPRETER)).toEqual(["changeState", "runStateCommand"]);
    expect(exported(THE_WRITER)).toEqual(["applyEffects"]);
    // applyEffects is called by the interpreter only, after a decision.
    const callers = ["lib", "app"]
      .flatMap(sources)
      .filter((f) => f !== THE_WRITER && /\bapplyEffects\b/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
    expect(callers).toEqual([THE_INTERPRETER]);
  });
});
