// The process-wide database, opened once (migrations applied) and shared by every route and job.
import { openDatabase, type Database } from "./client";

const globalForDb = globalThis as unknown as { __cwrDatabase?: Promise<Database> };

export function getDatabase(): Promise<Database> {
  if (!globalForDb.__cwrDatabase) {
    globalForDb.__cwrDatabase = openDatabase({ log: (m) => console.log(m) });
    // A failed open must not be cached: the next caller gets a fresh attempt and the real error.
    globalForDb.__cwrDatabase.catch(() => {
      globalForDb.__cwrDatabase = undefined;
    });
  }
  return globalForDb.__cwrDatabase;
}

export async function getDb() {
  return (await getDatabase()).prisma;
}

export type { Prisma as Db } from "./client";
