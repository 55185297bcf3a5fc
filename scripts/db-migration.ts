// Creates the next migration from prisma/schema.prisma, like `prisma migrate dev --create-only`, offline:
//   npx tsx scripts/db-migration.ts <name>           # generated from the schema diff; nothing if in sync
//   npx tsx scripts/db-migration.ts <name> --empty   # empty migration for hand-written SQL (triggers, …)
// Prisma's WebAssembly schema engine replays prisma/migrations on a throwaway in-memory PGlite (shadow
// database) and diffs it against the schema; no database of yours is touched. Apply migrations with
// `npm run db:migrate`.
import path from "node:path";
import { createMigration } from "./lib/schema-diff";

const USAGE = "Usage: npm run db:migration -- <name> [--empty]";

async function main(argv: string[]): Promise<number> {
  const flags = argv.filter((arg) => arg.startsWith("--"));
  const names = argv.filter((arg) => !arg.startsWith("--"));
  const unknown = flags.filter((flag) => flag !== "--empty");
  if (flags.includes("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (unknown.length > 0 || names.length !== 1) {
    console.error(unknown.length > 0 ? `Unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
    return 2;
  }
  const empty = flags.includes("--empty");
  const result = await createMigration({ name: names[0]!, empty });
  if (!result.created) {
    console.log("No schema changes: prisma/schema.prisma and prisma/migrations agree; nothing written.");
    return 0;
  }
  const relative = path.relative(process.cwd(), result.file);
  console.log(`Created ${relative}`);
  for (const warning of result.warnings) console.warn(`Warning: ${warning.message}`);
  for (const step of result.unexecutableSteps) console.warn(`Cannot run on a database with data: ${step.message}`);
  if (empty) console.log("It is empty: write your SQL in it, then apply it with `npm run db:migrate`.");
  else console.log("Review it, then apply it with `npm run db:migrate`.");
  return 0;
}

main(process.argv.slice(2)).then(
  // Exit explicitly: the schema engine would keep the process alive for ~10 s otherwise.
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof Error ? (error.name === "Error" ? error.message : `${error.name}: ${error.message}`) : error,
    );
    process.exit(1);
  },
);
