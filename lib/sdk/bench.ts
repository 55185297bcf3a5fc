// Micro-benchmark of CwrClient.mode(): the answer an agent asks before every action, from memory.
// The client is fed by an in-memory fetch (no network), polling mode, so nothing but mode() is timed.
import { CwrClient } from "./client";
import { MODE_OF, TIER_LIST, type TierView } from "./types";

export interface ModeBenchResult {
  /** mean ns per mode() call over known action keys */
  knownNsPerCall: number;
  /** mean ns per mode() call over unknown keys (`constructor`, `__proto__`, misses) */
  unknownNsPerCall: number;
  iterations: number;
  actions: number;
}

function views(n: number): TierView[] {
  return Array.from({ length: n }, (_, i) => {
    const tier = TIER_LIST[i % 3]!;
    return {
      action: `action.${i}`,
      name: `Action ${i}`,
      tier,
      mode: MODE_OF[tier],
      frozen: false,
      tierSince: new Date(0).toISOString(),
      policyVersion: 1,
    };
  });
}

export async function benchMode(options: { iterations?: number; actions?: number } = {}): Promise<ModeBenchResult> {
  const iterations = options.iterations ?? 5_000_000;
  const actions = options.actions ?? 50;
  const body = JSON.stringify({ agent: "bench", tiers: views(actions), generatedAt: new Date().toISOString() });
  const client = new CwrClient({
    baseUrl: "http://bench.invalid",
    apiKey: "cwr_bench",
    stream: false,
    pollMs: 3_600_000,
    maxAgeMs: 3_600_000,
    fetch: async () => new Response(body, { status: 200, headers: { "content-type": "application/json" } }),
  });
  try {
    if (!(await client.ready(5000))) throw new Error("bench client did not load");
    const known = Array.from({ length: actions }, (_, i) => `action.${i}`);
    const unknown = ["constructor", "__proto__", "toString", "nope.none", "hasOwnProperty"];
    const time = (keys: string[]) => {
      let sink = 0;
      // warm-up: let the JIT settle
      for (let i = 0; i < 200_000; i++) sink += client.mode(keys[i % keys.length]!).length;
      const started = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) sink += client.mode(keys[i % keys.length]!).length;
      const ns = Number(process.hrtime.bigint() - started);
      if (sink === -1) console.log(sink); // keeps the loop observable
      return ns / iterations;
    };
    return { knownNsPerCall: time(known), unknownNsPerCall: time(unknown), iterations, actions };
  } finally {
    await client.close();
  }
}
