// Whether the database answers right now, asked at most once per second and shared by every request
// of the process: pages are answered with a clear 503 while it is down (lib/http/unavailable-page.ts)
// instead of a rendering failure. Only "cannot reach it" counts as down; any other error is not ours
// to judge here.
import { isDatabaseUnavailable } from "@/lib/errors";
import { getDatabase } from "./index";

const TTL_MS = 1_000;
/** a database that hangs (a partition) counts as down after this long */
const PROBE_TIMEOUT_MS = 2_000;

const g = globalThis as unknown as { __cwrDbProbe?: { at: number; up: Promise<boolean> } };

async function probe(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const database = await getDatabase();
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), PROBE_TIMEOUT_MS)));
    return (await Promise.race([database.prisma.$queryRawUnsafe("SELECT 1"), timeout])) !== "timeout";
  } catch (e) {
    return !isDatabaseUnavailable(e);
  } finally {
    clearTimeout(timer);
  }
}

/** true unless the database could not be reached at the last probe (at most TTL_MS old). */
export function databaseAvailable(now = Date.now()): Promise<boolean> {
  const last = g.__cwrDbProbe;
  if (last && now - last.at < TTL_MS) return last.up;
  const up = probe();
  g.__cwrDbProbe = { at: now, up };
  return up;
}
