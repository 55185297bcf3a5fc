// autocannon as a child process (so the load generator's CPU is not the benchmark's), optionally
// pinned to a core with taskset; its JSON result.
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";

/** The fields of autocannon's JSON result that the benchmark reads. */
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}

let hasTaskset: boolean | null = null;
/** taskset exists and there are at least two cores to keep server and load generator apart. */
export function canPin(): boolean {
  if (hasTaskset === null) {
    try {
      execFileSync("taskset", ["-V"], { stdio: "ignore" });
      hasTaskset = (Number(execFileSync("nproc").toString().trim()) || 1) >= 2;
    } catch {
      hasTaskset = false;
    }
  }
  return hasTaskset;
}

/** Pins every thread of a running process to the given cores ("0", "0-1"); false when it cannot. */
export function pin(pid: number | undefined, cores: string): boolean {
  if (!pid || !canPin()) return false;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cores, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function autocannon(
  url: string,
  o: {
    connections: number;
    duration: number;
    rate?: number;
    body?: string;
    method?: string;
    headers: Record<string, string>;
    core?: string;
  },
): Promise<AutocannonResult> {
  const argv = [
    path.resolve("node_modules/autocannon/autocannon.js"),
    "-j",
    "-c",
    String(o.connections),
    "-d",
    String(o.duration),
  ];
  if (o.body !== undefined || o.method) argv.push("-m", o.method ?? "POST");
  if (o.body !== undefined) argv.push("-b", o.body);
  for (const [k, v] of Object.entries(o.headers)) argv.push("-H", `${k}=${v}`);
  if (o.rate) argv.push("-R", String(o.rate));
  argv.push(url);
  const [cmd, args] =
    o.core && canPin() ? ["taskset", ["-c", o.core, process.execPath, ...argv]] : [process.execPath, argv];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args as string[], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => {
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()!));
      } catch {
        reject(new Error(`autocannon exited ${code}: ${err.slice(-2000)} ${out.slice(-2000)}`));
      }
    });
  });
}
