// Summary of a V8 .cpuprofile (node --cpu-prof) over a window of it: self time by function and by
// file, as shares of the sampled time. The wire bench's profile (BENCH_CPU_PROF) is read this way.
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

/** Self time of the samples in the profile's last `lastMs` (the load run, when the server stopped right after it). */
export function summariseProfile(
  file: string,
  lastMs: number,
  top = 25,
): { byFunction: ProfileRow[]; byFile: ProfileRow[]; inclusive: ProfileRow[]; totalMs: number } {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  const from = p.endTime - lastMs * 1000;
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let t = p.startTime;
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (t < from) continue;
    const n = byId.get(p.samples[i]!)!;
    const name = nameOf(n);
    const url = urlOf(n);
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) seen.add(nameOf(byId.get(id)!));
    for (const s of seen) inclusive.set(s, (inclusive.get(s) ?? 0) + dt);
    fn.set(name, (fn.get(name) ?? 0) + dt);
    const file = url.replace(/^node_modules\/((@[^/]+\/)?[^/]+).*$/, "$1");
    files.set(file, (files.get(file) ?? 0) + dt);
    total += dt;
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, share: Math.round((1000 * us) / total) / 10 }));
  return { byFunction: rows(fn), byFile: rows(files), inclusive: rows(inclusive), totalMs: Math.round(total / 1000) };
}

const urlOf = (n: Node) => n.callFrame.url.replace(/^.*\/(node_modules\/|work\/wt\/[^/]+\/)/, "$1") || "(native)";
const nameOf = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${urlOf(n)}`;
