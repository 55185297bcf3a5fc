// Background jobs: request expiry and the demotion sweep. Run on a timer in the server process.
import type { Database } from "@/lib/db/client";
import { expireRequests } from "@/lib/requests/mutations";
import { sweepDemotions } from "@/lib/tier-changes/detector";
import { log, logError } from "@/lib/log";

const INTERVAL_MS = Number(process.env.JOBS_INTERVAL_MS ?? 30_000);
const globalJobs = globalThis as unknown as { __cwrJobs?: NodeJS.Timeout };

export async function runJobsOnce(database: Database, now = new Date()) {
  const expired = await expireRequests(database.prisma, now);
  const demoted = await sweepDemotions(database.prisma, now);
  if (expired || demoted.length) log("info", "jobs", { expired, demoted: demoted.length });
  return { expired, demoted };
}

export function startJobs(database: Database): void {
  if (globalJobs.__cwrJobs || process.env.JOBS === "off") return;
  let running = false;
  globalJobs.__cwrJobs = setInterval(() => {
    if (running) return;
    running = true;
    runJobsOnce(database)
      .catch((e) => logError("jobs failed", e))
      .finally(() => (running = false));
  }, INTERVAL_MS);
  globalJobs.__cwrJobs.unref();
}
