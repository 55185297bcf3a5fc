import { defineConfig } from "prisma/config";

// DATABASE_URL may be unset (embedded PGlite default); env("DATABASE_URL") would make `generate` fail.
export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
