import { getDatabase } from "@/lib/db";
import { log } from "@/lib/log";

export async function boot(): Promise<void> {
  try {
    const database = await getDatabase();
    if (database.target.kind === "pglite" && process.env.SEED_ON_START !== "off") {
      const { seedIfEmpty } = await import("@/lib/demo/seed");
      await seedIfEmpty(database.prisma);
    }
    const { startJobs } = await import("@/lib/jobs");
    startJobs(database);
    log("info", "ready", { database: database.target.kind });
  } catch (e) {
    // One clear line, no stack: configuration problems are the operator's to fix, not a crash.
    console.error(`\nCrawl · Walk · Run cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
