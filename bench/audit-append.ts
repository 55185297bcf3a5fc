// The audit log's Merkle tree (issue 24), measured:
// 1. per audited mutation, the append with the tree (appendAudit as it runs now) beside the append as
//    it was before the tree (a copy of that code below: lock, head, INSERT), on the same database, in
//    alternating blocks (the blocks without the tree are taken into it untimed between blocks): the
//    bare append, the worst case; and a real audited mutation (createAgent) with the tree, whose cost
//    without it is estimated as its time less the tree's measured share. Target: ≤ 1.2× today's;
// 2. the proof routes' work (lib/audit/transparency.ts: the seal horizon, the head, one read of the
//    stored hashes) at 1,000,000 entries, its stored hashes generated directly; target p99 < 20 ms.
// In process, the embedded default (in-memory PGlite) and, when it can start one, a private PostgreSQL.
//   npx tsx bench/audit-append.ts [--n=400] [--size=1000000]
import { mkdirSync, writeFileSync } from "node:fs";
import { openDatabase, type Database } from "@/lib/db/client";
import type { Tx } from "@/lib/db/client";
import { createAgent } from "@/lib/agents/mutations";
import { appendAudit, catchUpAuditTree, SYSTEM_ACTOR, type AuditInput } from "@/lib/audit/mutations";
import { auditEntryHash, GENESIS_HASH } from "@/lib/audit/hash";
import { storedHashCount } from "@/lib/audit/merkle";
import { consistencyProof, inclusionProof } from "@/lib/audit/transparency";
import { load, mean, percentile, round } from "./lib/stats";
import { startPostgres } from "./lib/pg";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const N = arg("n", 400);
const SIZE = arg("size", 1_000_000);
const BLOCK = 50;

const input = (i: number): AuditInput => ({
  actor: SYSTEM_ACTOR,
  kind: "agent.created",
  entityType: "agent",
  entityId: `bench-${i}`,
  data: { slug: `bench-${i}`, i },
});

/** The append as it was before the tree (lib/audit/mutations.ts at the parent of this change), for one entry. */
async function appendWithoutTree(tx: Tx, entry: AuditInput, now = new Date()) {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(4242001)`);
  const last = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const content = {
    seq: (last?.seq ?? 0n) + 1n,
    createdAt: new Date(Math.floor(now.getTime())),
    actorType: entry.actor.type,
    actorId: null,
    actorLabel: entry.actor.label,
    kind: entry.kind,
    entityType: entry.entityType,
    entityId: entry.entityId,
    agentId: null,
    actionTypeId: null,
    data: JSON.parse(JSON.stringify(entry.data)) as object,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.auditEntry.createMany({ data: [{ ...content, hash: auditEntryHash(content) }] });
}

async function appendCost(database: Database) {
  const db = database.prisma;
  const without: number[] = [];
  const withTree: number[] = [];
  for (let i = 0; i < 20; i++) await db.$transaction((tx) => appendAudit(tx, input(i))); // warm up
  for (let done = 0; done < N; done += BLOCK) {
    for (let i = 0; i < BLOCK; i++) {
      const t0 = performance.now();
      await db.$transaction((tx) => appendWithoutTree(tx, input(done + i)));
      without.push(performance.now() - t0);
    }
    await catchUpAuditTree(db); // untimed: the block above becomes leaves
    for (let i = 0; i < BLOCK; i++) {
      const t0 = performance.now();
      await db.$transaction((tx) => appendAudit(tx, input(done + i)));
      withTree.push(performance.now() - t0);
    }
  }
  // A real audited mutation (an admin creates an agent: checks, a row, its audit entry), with the tree.
  const real: number[] = [];
  for (let i = 0; i < Math.min(N, 200); i++) {
    const slug = `bench-agent-${i}-${Date.now()}`;
    const t0 = performance.now();
    await createAgent(db, SYSTEM_ACTOR, { slug, name: slug, owner: "bench", description: "" });
    real.push(performance.now() - t0);
  }
  const stats = (v: number[]) => ({
    mean: round(mean(v), 2),
    p50: round(percentile(v, 50), 2),
    p99: round(percentile(v, 99), 2),
  });
  const tree = mean(withTree) - mean(without);
  return {
    without: stats(without),
    with: stats(withTree),
    ratio: round(mean(withTree) / mean(without), 2),
    realMutation: { ...stats(real), estimatedRatio: round(mean(real) / (mean(real) - tree), 2) },
  };
}

/** A log of SIZE entries as the proof routes see it: the stored hashes (any bytes) and the head entry. */
async function bigTree(database: Database) {
  const db = database.prisma;
  const count = storedHashCount(SIZE);
  for (let from = 0; from < count; from += 500_000)
    await db.$executeRawUnsafe(
      `INSERT INTO audit_tree_hashes (id, hash) SELECT g, sha256(int8send(g)) FROM generate_series(${from}, ${Math.min(count, from + 500_000) - 1}) g`,
    );
  await db.$executeRawUnsafe(
    `INSERT INTO audit_entries (seq, "actorType", "actorLabel", kind, "entityType", "entityId", data, "prevHash", hash)
     VALUES (${SIZE}, 'system', 'bench', 'agent.created', 'agent', 'bench', '{}', '${"0".repeat(64)}', '${"1".repeat(64)}')`,
  );
}

async function proofLatency(database: Database) {
  const db = database.prisma;
  await bigTree(database);
  const inclusion: number[] = [];
  const consistency: number[] = [];
  for (let i = 0; i < 300; i++) {
    const index = Math.floor(Math.random() * SIZE);
    let t0 = performance.now();
    await inclusionProof(db, index, SIZE);
    inclusion.push(performance.now() - t0);
    const from = 1 + Math.floor(Math.random() * (SIZE - 1));
    t0 = performance.now();
    await consistencyProof(db, from, SIZE);
    consistency.push(performance.now() - t0);
  }
  const stats = (v: number[]) => ({
    p50: round(percentile(v.slice(20), 50), 2),
    p99: round(percentile(v.slice(20), 99), 2),
  });
  return { inclusion: stats(inclusion), consistency: stats(consistency) };
}

async function onBackend(open: () => Promise<Database>) {
  const a = await open();
  const append = await appendCost(a);
  await a.close();
  const b = await open();
  const proofs = await proofLatency(b);
  await b.close();
  return { append, proofs };
}

async function main() {
  const rows: Array<{ backend: string } & Awaited<ReturnType<typeof onBackend>>> = [];
  rows.push({
    backend: "pglite",
    ...(await onBackend(() => openDatabase({ memory: true, target: { kind: "pglite", dir: "" } }))),
  });
  const pg = await startPostgres();
  if (pg) {
    try {
      let n = 0;
      rows.push({
        backend: "postgres",
        ...(await onBackend(async () => {
          // a fresh database per half: the proof half fills its own tree
          const { default: pgClient } = await import("pg");
          const admin = new pgClient.Client({ connectionString: pg.url });
          await admin.connect();
          const name = `bench_tree_${++n}`;
          await admin.query(`CREATE DATABASE ${name}`);
          await admin.end();
          const url = new URL(pg.url);
          url.pathname = `/${name}`;
          return openDatabase({ target: { kind: "postgres", url: url.toString() } });
        })),
      });
    } finally {
      pg.stop();
    }
  }
  console.log(`audit append per audited mutation, ${N} each, with the Merkle tree vs without (load ${load()})`);
  for (const r of rows)
    console.log(
      `${r.backend.padEnd(9)} bare append without: mean ${r.append.without.mean} ms p99 ${r.append.without.p99} ms · with tree: mean ${r.append.with.mean} ms p99 ${r.append.with.p99} ms · ${r.append.ratio}× · a real audited mutation (createAgent) ${r.append.realMutation.mean} ms with the tree: ≈${r.append.realMutation.estimatedRatio}× its cost without (target ≤ 1.2×)`,
    );
  console.log(`proof routes at ${SIZE.toLocaleString("en")} entries (in process, target p99 < 20 ms)`);
  for (const r of rows)
    console.log(
      `${r.backend.padEnd(9)} inclusion p50 ${r.proofs.inclusion.p50} ms p99 ${r.proofs.inclusion.p99} ms · consistency p50 ${r.proofs.consistency.p50} ms p99 ${r.proofs.consistency.p99} ms`,
    );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/audit-append.json",
    JSON.stringify({ at: new Date().toISOString(), load: load(), n: N, size: SIZE, rows }, null, 2) + "\n",
  );
  process.exit(0);
}

void main();
