/** "3 days 4 h", "1 day 0 h", "5 h 12 min", "40 min" — how long since a moment, with units spelled out. */
/** `nowMs` is the server's clock (components/ServerClock.tsx), never the browser's own: see there why. */
export function formatDuration(fromIso: string, nowMs: number): string {
  const ms = Math.max(0, nowMs - new Date(fromIso).getTime());
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days.toLocaleString("en-US")} day${days === 1 ? "" : "s"} ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** With seconds, for the audit log: "2026-11-30 14:03:27 UTC". */
export function formatDateTimeSeconds(iso: string): string {
  return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/**
 * Below this many outcomes a window's rate says little (1 of 1 reads "100%"): the health text says
 * "too few" instead of a percentage. Display only; the gate decides with its own rules.
 */
export const FEW_OUTCOMES = 20;

export function windowHealthText(rate: number | null, trials: number): string {
  if (rate === null || trials === 0) return "no outcomes in window yet";
  if (trials < FEW_OUTCOMES)
    return `${trials} outcome${trials === 1 ? "" : "s"} in window so far: too few to read a rate`;
  return `${(rate * 100).toFixed(1)}% of ${trials.toLocaleString("en-US")} in window`;
}
