// The layering the README promises, held by tests: no import cycle between files, folders that import
// each other only where the list below says why, and the lint rules of eslint.config.mjs refusing
// what they are there to refuse (a rule that silently stopped matching would pass every lint run).
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { fileCycles, importGraph, mutualFolderPairs, ROOT } from "./import-graph";

/** Folder pairs that still import each other, each with its reason. Shrink this list; never grow it. */
const MUTUAL_PAIRS_ALLOWED: Record<string, string> = {
  "lib/audit <-> lib/notifications":
    "appendAudit enqueues the notification in the audited transaction; webhook admin mutations are audited",
  "lib/auth <-> lib/users":
    "lib/auth holds both the next-auth edge (auth.ts calls user mutations) and pure helpers the user mutations use (actor, password, oidc-roles)",
  "lib/auth <-> lib/http":
    "route() asks the session (lib/auth/session); next-auth's authorize() reads the client address (lib/http/client-address)",
  "lib/http <-> lib/shutdown":
    "shutdown closes the open streams (lib/http/sse) and streams register on shutdown; both are process-edge code",
};

const graph = importGraph();

describe("import layers", () => {
  it("has no import cycle between files", () => {
    expect(fileCycles(graph)).toEqual([]);
  });

  it("has no folders importing each other beyond the listed ones", () => {
    expect(mutualFolderPairs(graph)).toEqual(Object.keys(MUTUAL_PAIRS_ALLOWED).sort());
  });

  it("never imports development tooling (scripts/, bench/, tests/) from the app", () => {
    const tooling = [...graph].flatMap(([f, edges]) =>
      edges.filter((e) => /^(scripts|bench|tests|e2e)\//.test(e.to)).map((e) => `${f} -> ${e.to}`),
    );
    expect(tooling).toEqual([]);
    expect(graph.has("lib/db/schema-diff.ts")).toBe(false);
  });

  it("never lets lib/db, lib/errors or lib/gating import lib/http", () => {
    const low = [...graph].filter(([f]) => /^lib\/(db|errors|gating)\//.test(f));
    expect(
      low.flatMap(([f, edges]) => edges.filter((e) => e.to.startsWith("lib/http/")).map((e) => `${f} -> ${e.to}`)),
    ).toEqual([]);
  });
});

describe("the lint rules of the layers", () => {
  const eslint = new ESLint({ cwd: ROOT });
  const problems = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
    return result!.messages.map((m) => m.ruleId);
  };

  it("refuses Prisma outside the data layer, and allows it in a data module", async () => {
    const query = `import type { Db } from "@/lib/db";\nexport const f = (db: Db) => db.agent.findMany({ select: { id: true } });\n`;
    expect(await problems(query, "lib/agents/summary.ts")).toContain("no-restricted-syntax");
    expect(await problems(query, "app/api/x/route.ts")).toContain("no-restricted-syntax");
    expect(await problems(query, "lib/agents/data.ts")).not.toContain("no-restricted-syntax");
    expect(
      await problems(`export { PrismaClient } from "@/lib/db/generated/client";\n`, "lib/agents/summary.ts"),
    ).toContain("@typescript-eslint/no-restricted-imports");
  }, 60_000);

  it("refuses components importing app/ or a data module, and lib/gating importing anything impure", async () => {
    expect(
      await problems(
        `import { createAgentAction } from "@/app/(dashboard)/admin/actions";\nexport const a = createAgentAction;\n`,
        "components/admin/X.tsx",
      ),
    ).toContain("@typescript-eslint/no-restricted-imports");
    expect(
      await problems(`import { listKeys } from "@/lib/keys/data";\nexport const a = listKeys;\n`, "components/X.tsx"),
    ).toContain("@typescript-eslint/no-restricted-imports");
    expect(
      await problems(`import type { KeyRow } from "@/lib/keys/data";\nexport type A = KeyRow;\n`, "components/X.tsx"),
    ).not.toContain("@typescript-eslint/no-restricted-imports");
    expect(await problems(`import { getDb } from "@/lib/db";\nexport const a = getDb;\n`, "lib/gating/x.ts")).toContain(
      "@typescript-eslint/no-restricted-imports",
    );
    expect(await problems(`export const now = () => Date.now();\n`, "lib/gating/x.ts")).toContain(
      "no-restricted-syntax",
    );
    expect(await problems(`import { TIERS } from "./types";\nexport const t = TIERS;\n`, "lib/gating/x.ts")).toEqual(
      [],
    );
  }, 60_000);
});
