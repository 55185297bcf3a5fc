// Runs `prisma generate` offline: Prisma's CLI insists on a native schema engine it cannot download
// here, but generate never uses it, so any existing executable satisfies the check.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const stub = process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/true";
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: existsSync(stub) ? stub : "/bin/true",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
const r = spawnSync(
  process.execPath,
  ["node_modules/prisma/build/index.js", "generate", "--config", "prisma/prisma.config.ts"],
  { stdio: "inherit", env },
);
process.exit(r.status ?? 1);
