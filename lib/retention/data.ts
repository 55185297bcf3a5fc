// The outcome retention setting as stored (one row; lib/retention/mutations.ts changes and applies it).
import type { Db } from "@/lib/db";

export async function retentionSetting(db: Db): Promise<{ months: number | null; archivedBefore: Date | null }> {
  const row = await db.outcomeRetention.findUnique({
    where: { id: 1 },
    select: { months: true, archivedBefore: true },
  });
  return { months: row?.months ?? null, archivedBefore: row?.archivedBefore ?? null };
}
