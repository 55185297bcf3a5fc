import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: {
    // The workspace packages resolve to their sources here, as in tsconfig.json's paths.
    alias: [
      { find: /^@cwr\/gating$/, replacement: fileURLToPath(new URL("./lib/gating/index.ts", import.meta.url)) },
      { find: /^@cwr\/gating\//, replacement: fileURLToPath(new URL("./lib/gating/", import.meta.url)) },
      {
        find: /^@cwr\/sdk\/(langgraph|openai-agents)$/,
        replacement: fileURLToPath(new URL("./lib/sdk/adapters/$1.ts", import.meta.url)),
      },
      { find: /^@cwr\/sdk$/, replacement: fileURLToPath(new URL("./lib/sdk/index.ts", import.meta.url)) },
      { find: /^@cwr\/sdk\//, replacement: fileURLToPath(new URL("./lib/sdk/", import.meta.url)) },
      { find: "@", replacement: fileURLToPath(new URL("./", import.meta.url)) },
    ],
  },
  test: {
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts", "scripts/**/*.test.ts"],
    environment: "node",
    setupFiles: ["tests/helpers/fast-check-runs.ts"],
    // Integration tests each open their own PGlite database; keep memory bounded on 2 cores.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
