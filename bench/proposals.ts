// Proposal round trip (issue 22): an agent proposes, a person accepts, the agent consumes the grant.
// In process, through the same mutations the routes and the queue use, on a fresh migrated database:
// the embedded default (in-memory PGlite) and, when it can start one, a private PostgreSQL.
//   npx tsx bench/proposals.ts [--n=200]
import { randomUUID } from "node:crypto";
import { openDatabase, type Database } from "@/lib/db/client";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { createActionType, createAgent } from "@/lib/agents/mutations";
import { createUser } from "@/lib/users/mutations";
import { consumeProposal, createProposal, decideSuggestion } from "@/lib/proposals/mutations";
import { load, percentile, round } from "./lib/stats";
import { startPostgres } from "./lib/pg";

const N = Number(process.argv.find((a) => a.startsWith("--n="))?.slice(4) ?? 200);

async function roundTrips(database: Database) {
  const db = database.prisma;
  const slug = `bench-${randomUUID().slice(0, 8)}`;
  const agent = await createAgent(db, SYSTEM_ACTOR, { slug, name: slug, owner: "bench", description: "" });
  const action = "refund.issue";
  await createActionType(db, SYSTEM_ACTOR, {
    agentId: agent.id,
    key: action,
    name: action,
    description: "",
    blastRadius: "medium",
    reversible: true,
  });
  const u = await createUser(db, SYSTEM_ACTOR, { email: `${slug}@bench.local`, name: slug, role: "admin" });
  const person = { id: u.id, email: u.email, name: u.name, role: u.role };
  const steps = { propose: [] as number[], decide: [] as number[], consume: [] as number[], total: [] as number[] };
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const { proposal } = await createProposal(db, agent, {
      idempotencyKey: `b-${i}`,
      action,
      audience: "external",
      subject: `customer:${i}`,
      summary: `Refund order ${i}`,
      parameters: { order: `A-${i}`, amount: 10 + (i % 50), currency: "EUR" },
    });
    const t1 = performance.now();
    await decideSuggestion(db, person, proposal.id, { type: "accept" });
    const t2 = performance.now();
    await consumeProposal(db, agent, proposal.id, proposal.digest);
    const t3 = performance.now();
    steps.propose.push(t1 - t0);
    steps.decide.push(t2 - t1);
    steps.consume.push(t3 - t2);
    steps.total.push(t3 - t0);
  }
  return Object.fromEntries(
    Object.entries(steps).map(([k, v]) => [k, { p50: round(percentile(v, 50)), p99: round(percentile(v, 99)) }]),
  );
}

async function main() {
  const rows: Array<{ backend: string; result: Record<string, { p50: number; p99: number }> }> = [];
  const pglite = await openDatabase({ memory: true, target: { kind: "pglite", dir: "" } });
  rows.push({ backend: "pglite", result: await roundTrips(pglite) });
  await pglite.close();
  const pg = await startPostgres();
  if (pg) {
    try {
      const database = await openDatabase({ target: { kind: "postgres", url: pg.url } });
      rows.push({ backend: "postgres", result: await roundTrips(database) });
      await database.close();
    } finally {
      await pg.stop();
    }
  }
  console.log(`proposal → decision → consume, ${N} round trips, in process (load ${load()})`);
  for (const { backend, result } of rows)
    console.log(
      `${backend.padEnd(9)} ` +
        Object.entries(result)
          .map(([k, v]) => `${k} p50 ${v.p50} ms p99 ${v.p99} ms`)
          .join(" · "),
    );
  process.exit(0);
}

void main();
