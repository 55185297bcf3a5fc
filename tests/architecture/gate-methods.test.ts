// Issue 20, item 10: a gate method lives in one module of lib/gating/gates/ behind one interface;
// nothing else names "eprocess" | "wilson" | "raw" to branch on it, so the registry's exhaustiveness
// check (a type error for a missing method) is the only place a new method has to be added.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./import-graph";

/** Other engineers rewrite these now (issue 20, Deliver 1 and 4); their comparisons are listed in the report. */
const LEFT_TO_OTHERS = [/^lib\/gating\/ramp\.ts$/, /^lib\/gating\/replay\.ts$/, /^lib\/replay\//];
/** Where the names are defined: the vocabulary and the gate modules themselves. */
const HOMES = [/^lib\/gating\/types\.ts$/, /^lib\/gating\/gates\//];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".") || name === "generated" || name === "dist") return [];
    if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("gate methods", () => {
  it("are named only in their own modules (no string comparison on the method elsewhere)", () => {
    const offenders: string[] = [];
    for (const file of ["lib", "components", "app"].flatMap(sources)) {
      const rel = relative(ROOT, join(ROOT, file));
      if ([...LEFT_TO_OTHERS, ...HOMES].some((r) => r.test(rel))) continue;
      readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/["'](eprocess|wilson|raw)["']/.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
