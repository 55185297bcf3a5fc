// CPU time a process has used (user + system, all its threads), from /proc: a measure that, unlike
// wall-clock throughput, hardly depends on what else the (shared) machine is running.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticks: number | null = null;
function clockTicks(): number {
  if (ticks === null) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** ms of CPU used so far by `pid`; NaN where /proc is not available. */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // after "pid (comm) ": state is field 0, utime 11, stime 12 (man 5 proc, fields 14 and 15)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}
