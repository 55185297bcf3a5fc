// One bench row's results file: bench/results/<name>-<time>.json with the time, the cores and the rows.
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";

/** Writes the rows and returns the file's path. */
export function writeResults(name: string, rows: unknown[]): string {
  mkdirSync("bench/results", { recursive: true });
  const at = new Date().toISOString();
  const file = `bench/results/${name}-${at.replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, JSON.stringify({ at, cpus: os.cpus().length, rows }, null, 2));
  return file;
}
