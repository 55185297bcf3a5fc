// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and
// prints the status. The app does the same on start; this is for deploy pipelines.
import { DatabaseStartError, openDatabase } from "../lib/db/client";

try {
  const database = await openDatabase({ log: (m) => console.log(m) });
  await database.close();
  console.log("Migrations are up to date.");
  process.exit(0);
} catch (e) {
  console.error(e instanceof DatabaseStartError ? e.message : `Migration failed: ${(e as Error).message}`);
  process.exit(1);
}
