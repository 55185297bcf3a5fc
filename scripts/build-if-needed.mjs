// Builds the production app when there is no build in NEXT_DIST_DIR (default .next) or a source file
// is newer than it. `npm start` runs it first; the benchmark runs it for its own output folder.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

const buildId = path.join(process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
const roots = [
  "app",
  "components",
  "lib",
  "public",
  "prisma",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.js",
  "package.json",
  "tailwind.config.ts",
];
const skip = (name) => name === "node_modules" || name === "generated" || name.startsWith(".next");

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(p)) if (!skip(name)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

const stale = !existsSync(buildId) || roots.some((r) => newest(r) > statSync(buildId).mtimeMs);
if (stale) {
  console.log(`Building the production app into ${path.dirname(buildId)} (first start or sources changed)…`);
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
