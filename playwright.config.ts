import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
/** The live demo's server (e2e/helpers.ts DEMO_BASE_URL reads the same variable). */
const DEMO_PORT = Number(process.env.E2E_DEMO_PORT ?? PORT + 1);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    // Next rewrites 127.0.0.1 to localhost in request.url; use localhost so cookies match.
    baseURL: `http://localhost:${PORT}`,
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      // The production build on a fresh embedded database of its own, the live demo off: the specs need a
      // still database.
      command: `rm -rf .data/e2e && PGLITE_DIR=.data/e2e/pglite DEMO_AGENT=off WEBHOOK_ALLOW_PRIVATE=1 PORT=${PORT} node --import tsx server.ts`,
      url: `http://localhost:${PORT}/signin`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      // The same build with the live demo on, as `npm start` runs it, for the journeys that watch it move
      // (role-journeys' operator): its own database, at the demo's own pace.
      command: `rm -rf .data/e2e-demo && PGLITE_DIR=.data/e2e-demo/pglite DEMO_AGENT=on PORT=${DEMO_PORT} node --import tsx server.ts`,
      url: `http://localhost:${DEMO_PORT}/signin`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
