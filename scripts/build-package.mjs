// Builds a workspace package (lib/gating, lib/sdk) to ESM + .d.ts in its dist/, run from the package's
// folder (its `build` script). The sources import siblings without extensions, as the app's bundler
// resolution allows; Node's ESM loader needs the full file name, so relative specifiers in the output
// get `.js` (or `/index.js` for a folder) after tsc.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const dist = path.resolve("dist");
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*)\2/g;

function withExtension(file, spec) {
  if (/\.(js|json)$/.test(spec)) return spec;
  const target = path.resolve(path.dirname(file), spec);
  if (existsSync(`${target}.js`) || existsSync(`${target}.d.ts`)) return `${spec}.js`;
  if (existsSync(path.join(target, "index.js")) || existsSync(path.join(target, "index.d.ts")))
    return `${spec}/index.js`;
  throw new Error(`${path.relative(dist, file)}: cannot resolve ${spec}`);
}

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) walk(file);
    else if (/\.(js|d\.ts)$/.test(name)) {
      const text = readFileSync(file, "utf8");
      const out = text.replace(SPECIFIER, (_m, head, q, spec) => `${head}${q}${withExtension(file, spec)}${q}`);
      if (out !== text) writeFileSync(file, out);
    }
  }
}
walk(dist);
