import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// ---------------------------------------------------------------------------------------------
// Layers the linter holds (README "Architecture"). Imports point down only:
//   app/ → components/ → lib/<feature>/ → lib/gating (pure), lib/db (Prisma), lib/errors.
// Only data.ts, mutations.ts and lib/db touch Prisma (its generated client, or queries through a
// Db/Tx handle); components/ import no app/ code and no data module at run time; lib/gating imports
// nothing impure. Cycles between files are refused by tests/architecture/imports.test.ts (it reads
// the same import graph; eslint-plugin-import's no-cycle is too slow over this tree on 2 cores).
// ---------------------------------------------------------------------------------------------

/** Prisma's query API: any call of these on a handle is a database read or write. */
const PRISMA_METHODS =
  "findMany|findFirst|findUnique|findUniqueOrThrow|findFirstOrThrow|upsert|createMany|createManyAndReturn|updateMany|deleteMany|aggregate|groupBy";
const PRISMA_QUERY = [
  {
    selector: `CallExpression[callee.property.name=/^(${PRISMA_METHODS})$/]`,
    message: "Prisma is queried only in data.ts, mutations.ts and lib/db (README Architecture).",
  },
  {
    selector:
      "CallExpression[callee.property.name=/^(create|update|delete|count)$/][callee.object.object.name=/^(db|tx|prisma|client)$/]",
    message: "Prisma is queried only in data.ts, mutations.ts and lib/db (README Architecture).",
  },
  {
    selector:
      "CallExpression[callee.property.name=/^\\$(transaction|queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/]",
    message: "Prisma is queried only in data.ts, mutations.ts and lib/db (README Architecture).",
  },
  {
    selector: "TaggedTemplateExpression[tag.property.name=/^\\$(queryRaw|executeRaw)$/]",
    message: "Prisma is queried only in data.ts, mutations.ts and lib/db (README Architecture).",
  },
];
const PRISMA_IMPORTS = {
  group: ["@/lib/db/generated", "@/lib/db/generated/*", "@prisma/*", "**/generated/prisma*"],
  message: "Only data.ts, mutations.ts and lib/db import Prisma.",
};

/** Files that may query Prisma: the data layer itself. */
const DATA_LAYER = ["**/data.ts", "**/mutations.ts", "lib/db/**", "lib/state/interpreter.ts", "lib/state/apply.ts"];

/**
 * The exceptions, each with its reason. Keep this list short: a new entry needs a reason a reviewer
 * accepts, and moving the queries into the feature's data.ts/mutations.ts is always the better fix.
 */
const PRISMA_EXCEPTIONS = [
  // Reads that must share one transaction or one connection with a writer in the same module.
  "lib/action-types/detail.ts", // the action type page's one consistent read (several selects in one snapshot)
  "lib/agents/admin-data.ts", // admin listing reads (a second data module of lib/agents)
  "lib/action-types/slider-panel.ts", // the slider panel's reads (a second data module of lib/action-types: outcomes per ramp step)
  "lib/audit/checkpoint-job.ts", // the periodic checkpoint job: its own transaction around lock + write
  "lib/auth/auth.ts", // next-auth's authorize(): the one login read, before a session exists
  "lib/auth/session.ts", // the session lookup on every request (revocation is checked in the database)
  "lib/demo/agent-boot.ts", // demo simulator boot (development only)
  "lib/demo/seed.ts", // demo seed (development only)
  "lib/events/insert.ts", // the one bulk INSERT … unnest of outcome events, shared by ingestion and the bench generator
  "lib/http/sse.ts", // the tier stream's initial snapshot (one read before LISTEN takes over)
  "lib/notifications/deliver.ts", // the outbox worker: claim and settle deliveries (one module for the worker)
  "lib/notifications/audit-stream.ts", // the SIEM stream worker: claim a stream, read its next batch, settle it
  "lib/notifications/demo-receiver.ts", // the demo webhook receiver's inbox (development only)
  "lib/notifications/outbox.ts", // enqueue inside the audited transaction (called from appendAudit)
];

/** Everything that runs outside the app (tests, bench, scripts, e2e) may set up and inspect the database. */
const TOOLING = ["tests/**", "e2e/**", "bench/**", "scripts/**", "**/*.test.ts", "**/*.test.tsx", "prisma/**"];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "node_modules/**",
      "lib/db/generated/**",
      "lib/*/dist/**",
      "next-env.d.ts",
      ".data/**",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  {
    files: [
      "app/**/*.{ts,tsx}",
      "components/**/*.{ts,tsx}",
      "lib/**/*.{ts,tsx}",
      "server.ts",
      "proxy.ts",
      "instrumentation.ts",
    ],
    ignores: [...DATA_LAYER, ...PRISMA_EXCEPTIONS, ...TOOLING],
    rules: {
      "no-restricted-syntax": ["error", ...PRISMA_QUERY],
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: [{ ...PRISMA_IMPORTS, allowTypeImports: true }] },
      ],
    },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { ...PRISMA_IMPORTS, allowTypeImports: true },
            {
              group: ["@/app/*", "@/app/**", "../app/*", "../../app/*"],
              message: "components/ import nothing from app/: pages pass server actions down as props.",
            },
            {
              group: [
                "@/lib/*/data",
                "@/lib/*/mutations",
                "@/lib/db",
                "@/lib/db/*",
                "@/lib/*/admin-data",
                "@/lib/*/detail",
              ],
              allowTypeImports: true,
              message: "components/ read no data module: the page loads, the component shows (types are fine).",
            },
            {
              group: ["@/lib/auth/session", "@/lib/auth/auth"],
              message: "components/ know no session: the page passes who is signed in.",
            },
          ],
        },
      ],
    },
  },
  {
    // @cwr/sdk is published on its own (npm pack): it may import itself and packages, never the app.
    files: ["lib/sdk/**/*.ts"],
    ignores: ["lib/sdk/**/*.test.ts", "lib/sdk/**/*.testkit.ts", "lib/sdk/bench.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(@/|\\.\\./\\.\\./)",
              message: "lib/sdk (@cwr/sdk) is a package of its own: import the core as @cwr/gating, never the app.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/gating/**/*.ts"],
    ignores: ["lib/gating/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./)",
              message:
                "lib/gating (@cwr/gating) is the pure core: it imports only itself, no package, no I/O, no database, no HTTP, no clock.",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "lib/gating takes the time as an argument (no clock in the pure core).",
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "lib/gating takes the time as an argument (no clock in the pure core).",
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: "lib/gating is deterministic: randomness comes in as an argument.",
        },
      ],
    },
  },
  {
    // The gate modules sit one folder down: "../" still resolves inside lib/gating, "../../" would not.
    files: ["lib/gating/gates/*.ts"],
    ignores: ["lib/gating/**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./|\\.\\./(?!\\.\\./))",
              message:
                "lib/gating (@cwr/gating) is the pure core: it imports only itself, no package, no I/O, no database, no HTTP, no clock.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/db/**/*.ts", "lib/errors/**/*.ts", "lib/gating/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/http", "@/lib/http/*", "@/app/*", "@/components/*"],
              message: "Lower layers do not import HTTP, pages or components.",
            },
          ],
        },
      ],
    },
  },
];
export default config;
