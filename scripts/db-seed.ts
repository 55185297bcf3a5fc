// `npm run db:seed`: applies migrations and seeds the demo if the database is empty (idempotent).
import { openDatabase } from "../lib/db/client";
import { seedIfEmpty } from "../lib/demo/seed";

const database = await openDatabase({ log: (m) => console.log(m) });
try {
  const { seeded } = await seedIfEmpty(database.prisma);
  console.log(seeded ? "Demo seeded." : "Database already holds data; demo users ensured, nothing else changed.");
} finally {
  await database.close();
}
process.exit(0);
