import type { Database } from "./client";
import { migrationStatus } from "./migrator";
import type { SqlExecutor } from "./sql";

/** Database reachable and no pending or failed migration (read-only). */
export async function readiness(
  database: Database,
): Promise<{ ready: boolean; database: string; pendingMigrations: string[]; failedMigrations: string[] }> {
  const exec: SqlExecutor = {
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await database.prisma.$queryRawUnsafe(sql, ...params)) as T[],
    exec: async () => {
      throw new Error("readiness is read-only");
    },
  };
  try {
    const status = await migrationStatus(exec);
    return {
      ready: status.pending.length === 0 && status.failed.length === 0,
      database: database.target.kind,
      pendingMigrations: status.pending,
      failedMigrations: status.failed,
    };
  } catch {
    return { ready: false, database: database.target.kind, pendingMigrations: [], failedMigrations: [] };
  }
}
