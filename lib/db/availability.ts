// Whether the database answers right now, asked at most once per second and shared by every request
// of the process: pages are answered with a clear 503 while it is down (lib/http/unavailable-page.ts)
// instead of a rendering failure. Only "cannot reach it" counts as down: a slow answer or any other
// error lets the page try (and fail, if it must, through its error boundary).
import { isDatabaseUnavailable } from "@/lib/errors";
import { getDatabase } from "./index";

const TTL_MS = 1_000;
/** a probe slower than this is no answer: a busy database (PGlite mid-ingest) is not a down one */
const PROBE_TIMEOUT_MS = 2_000;

const g = globalThis as unknown as { __cwrDbProbe?: { at: number; up: Promise<boolean> } };

async function probe(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const database = await getDatabase();
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), PROBE_TIMEOUT_MS)));
    const answer = database.prisma.$queryRawUnsafe("SELECT 1");
    answer.catch(() => {}); // a failure after the timeout is no one's to handle
    await Promise.race([answer, timeout]);
    return true;
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
