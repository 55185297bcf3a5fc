// Reads the real server's own store: the embedded database has one owner, so the server is stopped,
// the folder opened here, and the server started again on the same data when `restart` is set.
import path from "node:path";
import { openDatabase } from "@/lib/db/client";
import type { Db } from "@/lib/db";
import { kill, type TestServer } from "./server";

export async function withStoppedServer<T>(
  server: TestServer,
  read: (db: Db) => Promise<T>,
  options: { restart?: boolean } = {},
): Promise<T> {
  if (process.env.DATABASE_URL)
    throw new Error("withStoppedServer reads the embedded store; this server runs on PostgreSQL");
  await kill(server.process);
  const database = await openDatabase({ target: { kind: "pglite", dir: path.join(server.dataDir, "pglite") } });
  let result: T;
  try {
    result = await read(database.prisma);
  } finally {
    await database.close();
  }
  if (options.restart) await server.restart();
  return result;
}
