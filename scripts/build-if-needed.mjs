// `npm start` builds first when there is no production build or a source file is newer than it.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

const buildId = ".next/BUILD_ID";
const roots = ["app", "components", "lib", "public", "prisma", "instrumentation.ts", "next.config.js", "package.json", "tailwind.config.ts"];
const skip = new Set(["node_modules", "generated", ".next"]);

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = s.mtimeMs;
  for (const name of readdirSync(p)) if (!skip.has(name)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

const stale = !existsSync(buildId) || roots.some((r) => newest(r) > statSync(buildId).mtimeMs);
if (stale) {
  console.log("Building the production app (first start or sources changed)…");
  const r = spawnSync("npx", ["next", "build"], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}
