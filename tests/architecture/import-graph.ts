// The product's import graph (app/, components/, lib/, server.ts), read from the sources: enough of
// TypeScript's resolution for this tree ("@/…", "@cwr/…" and relative specifiers; type-only imports marked).
import fs from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "../..");
const SOURCES = ["app", "components", "lib", "server.ts", "proxy.ts", "instrumentation.ts"];
const SKIP_DIRS = new Set(["node_modules", "generated", ".next", "dist"]);
/** The workspace packages, by their names (tsconfig.json's paths). */
const PACKAGES: Record<string, string> = {
  "@cwr/sdk/langgraph": "lib/sdk/adapters/langgraph",
  "@cwr/sdk/openai-agents": "lib/sdk/adapters/openai-agents",
  "@cwr/gating": "lib/gating",
  "@cwr/sdk": "lib/sdk",
};

export interface ImportEdge {
  to: string;
  typeOnly: boolean;
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    const stat = fs.statSync(abs);
    if (stat.isFile()) {
      if (/\.tsx?$/.test(abs) && !abs.endsWith(".d.ts") && !isTest(abs)) out.push(path.relative(ROOT, abs));
      return;
    }
    for (const e of fs.readdirSync(abs)) if (!SKIP_DIRS.has(e)) walk(path.join(abs, e));
  };
  for (const s of SOURCES) if (fs.existsSync(path.join(ROOT, s))) walk(path.join(ROOT, s));
  return out;
}

function resolve(from: string, spec: string): string | null {
  let base: string;
  const pkg = Object.keys(PACKAGES).find((name) => spec === name || spec.startsWith(`${name}/`));
  if (pkg) base = path.join(ROOT, PACKAGES[pkg]!, spec.slice(pkg.length));
  else if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(ROOT, path.dirname(from), spec);
  else return null;
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return path.relative(ROOT, c);
  }
  return null;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** file → the files it imports (runtime and type-only), product code only, tests left out. */
export function importGraph(): Map<string, ImportEdge[]> {
  const graph = new Map<string, ImportEdge[]>();
  for (const file of sourceFiles()) {
    const src = fs.readFileSync(path.join(ROOT, file), "utf8");
    const edges: ImportEdge[] = [];
    for (const m of src.matchAll(IMPORT)) {
      const to = resolve(file, (m[2] ?? m[3])!);
      if (to && !isTest(to)) edges.push({ to, typeOnly: Boolean(m[1]) });
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Cycles of run-time imports between files (strongly connected components of more than one file). */
export function fileCycles(graph: Map<string, ImportEdge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const { to, typeOnly } of graph.get(v) ?? []) {
      if (typeOnly) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  return cycles;
}

/** The folder a file belongs to for layering: lib/<feature> (or a lib/ file), else its top folder. */
export function layerOf(file: string): string {
  const parts = file.split(path.sep);
  return parts[0] === "lib"
    ? parts
        .slice(0, 2)
        .join("/")
        .replace(/\.tsx?$/, "")
    : parts[0]!.replace(/\.tsx?$/, "");
}

/** Pairs of folders that import each other at run time, each written "a <-> b" with a < b. */
export function mutualFolderPairs(graph: Map<string, ImportEdge[]>): string[] {
  const pairs = new Set<string>();
  for (const [from, edges] of graph) {
    for (const { to, typeOnly } of edges) {
      const a = layerOf(from);
      const b = layerOf(to);
      if (!typeOnly && a !== b) pairs.add(`${a} -> ${b}`);
    }
  }
  const mutual: string[] = [];
  for (const p of pairs) {
    const [a, b] = p.split(" -> ") as [string, string];
    if (a < b && pairs.has(`${b} -> ${a}`)) mutual.push(`${a} <-> ${b}`);
  }
  return mutual.sort();
}
