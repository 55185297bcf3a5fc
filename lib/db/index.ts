// The process-wide database, opened once (migrations applied, tier listener started) and shared by
// every route and job.
import { openDatabase, type Database } from "./client";
import { startTierListener } from "./notify";

const globalForDb = globalThis as unknown as { __cwrDatabase?: Promise<Database>; __cwrDatabaseOpen?: Database };

export function getDatabase(): Promise<Database> {
  if (!globalForDb.__cwrDatabase) {
    const opening = openDatabase({ log: (m) => console.log(m) }).then(async (database) => {
      await startTierListener(database);
      globalForDb.__cwrDatabaseOpen = database;
      return database;
    });
    globalForDb.__cwrDatabase = opening;
    // A failed open must not be cached: the next caller gets a fresh attempt and the real error.
    opening.catch(() => {
      if (globalForDb.__cwrDatabase === opening) globalForDb.__cwrDatabase = undefined;
      globalForDb.__cwrDatabaseOpen = undefined;
    });
  }
  return globalForDb.__cwrDatabase;
}

export async function getDb() {
  return (await getDatabase()).prisma;
}

/** The database once it is open, without waiting (the hot routes' path); undefined until then. */
export function openedDb() {
  const open = globalForDb.__cwrDatabaseOpen;
  return open && globalForDb.__cwrDatabase ? open.prisma : undefined;
}

export type { Prisma as Db } from "./client";
