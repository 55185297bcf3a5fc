// Reads of the witnesses (issue 24 item 4): who is trusted, the quorum, and which of them cosigned a
// checkpoint. The checkpoint's note is served with its trusted cosignatures appended.
import type { Db } from "@/lib/db";
import type { Tx } from "@/lib/db/client";

type Reader = Db | Tx;

export async function witnessQuorum(db: Reader): Promise<number> {
  return (await db.auditWitnessQuorum.findUnique({ where: { id: 1 }, select: { quorum: true } }))?.quorum ?? 1;
}

export async function listWitnesses(db: Reader) {
  const rows = await db.auditWitness.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, vkey: true, createdAt: true },
  });
  return rows.map((w) => ({ ...w, createdAt: w.createdAt.toISOString() }));
}
export type WitnessRow = Awaited<ReturnType<typeof listWitnesses>>[number];

/** "checkpoint n witnessed by k of m": the trusted witnesses that cosigned the checkpoint of `size`. */
export async function witnessStatus(db: Reader, size: bigint | null) {
  const [witnesses, quorum, cosigned] = await Promise.all([
    db.auditWitness.count(),
    witnessQuorum(db),
    size === null
      ? Promise.resolve([])
      : db.auditCosignature.findMany({
          where: { checkpointSize: size },
          orderBy: { createdAt: "asc" },
          select: { witness: { select: { name: true } } },
        }),
  ]);
  const by = cosigned.map((c) => c.witness.name);
  return {
    size: size === null ? null : size.toString(),
    witnessedBy: by,
    trusted: witnesses,
    quorum,
    met: witnesses > 0 && by.length >= quorum,
  };
}
export type WitnessStatus = Awaited<ReturnType<typeof witnessStatus>>;
