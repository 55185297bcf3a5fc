// Witnesses (issue 24 item 4, C2SP tlog-cosignature): admins choose which witness keys they trust and
// how many must cosign (audited); a witness posts its cosignature of a checkpoint it found consistent
// with the last one it cosigned. A cosignature is its own authentication: it is kept only when it is a
// valid signature, by a trusted key, over a checkpoint this log signed. Receipts are not audit entries:
// each would grow the log and call for the next checkpoint, so witnesses would never catch up.
import type { Db } from "@/lib/db";
import { appendAudit, type Actor } from "@/lib/audit/mutations";
import { AppError, notFound } from "@/lib/errors";
import { openCosignature, parseWitnessKey } from "@/lib/audit/cosignature";
import { parseCheckpointBody } from "@/lib/audit/note";
import { cosignatureSubmitSchema, witnessAddSchema, witnessQuorumSchema } from "./schema";
import { witnessQuorum, witnessStatus } from "./data";

/** Cosignatures more than this far in the future are refused (clocks drift; a witness's does too). */
const MAX_FUTURE_SECONDS = 600;

function invalid(path: string, message: string): AppError {
  return new AppError("validation_failed", message, { issues: [{ path, message }] });
}

export async function addWitness(db: Db, actor: Actor, raw: unknown) {
  const { vkey } = witnessAddSchema.parse(raw);
  let name: string;
  try {
    name = parseWitnessKey(vkey).name;
  } catch (e) {
    throw invalid("vkey", e instanceof Error ? e.message : String(e));
  }
  return db.$transaction(async (tx) => {
    if (await tx.auditWitness.findFirst({ where: { OR: [{ name }, { vkey }] }, select: { id: true } }))
      throw new AppError("conflict", `A witness named ${name} (or with this key) is already trusted.`);
    const witness = await tx.auditWitness.create({
      data: { name, vkey, createdById: actor.type === "user" ? actor.id : null },
      select: { id: true, name: true, vkey: true },
    });
    await appendAudit(tx, {
      actor,
      kind: "audit.witness_added",
      entityType: "audit_witness",
      entityId: witness.id,
      data: { name, vkey },
    });
    return witness;
  });
}

export async function removeWitness(db: Db, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const witness = await tx.auditWitness.findUnique({ where: { id }, select: { id: true, name: true } });
    if (!witness) throw notFound("The witness");
    await tx.auditWitness.delete({ where: { id } });
    await appendAudit(tx, {
      actor,
      kind: "audit.witness_removed",
      entityType: "audit_witness",
      entityId: id,
      data: { name: witness.name },
    });
  });
}

export async function setWitnessQuorum(db: Db, actor: Actor, raw: unknown) {
  const { quorum } = witnessQuorumSchema.parse(raw);
  return db.$transaction(async (tx) => {
    const from = await witnessQuorum(tx);
    await tx.auditWitnessQuorum.upsert({ where: { id: 1 }, create: { id: 1, quorum }, update: { quorum } });
    await appendAudit(tx, {
      actor,
      kind: "audit.witness_quorum_set",
      entityType: "audit_witness",
      entityId: "quorum",
      data: { from, to: quorum },
    });
    return { quorum };
  });
}

/** Stores a witness's cosignature of one of this log's checkpoints; answers the checkpoint's status. */
export async function acceptCosignature(db: Db, raw: unknown, now = new Date()) {
  const input = cosignatureSubmitSchema.parse(raw);
  // The note's text is everything before the blank line; a bare body is its own text.
  const split = input.checkpoint.indexOf("\n\n");
  const body = split < 0 ? input.checkpoint : input.checkpoint.slice(0, split + 1);
  let size: number;
  try {
    size = parseCheckpointBody(body).size;
  } catch (e) {
    throw invalid("checkpoint", e instanceof Error ? e.message : String(e));
  }
  return db.$transaction(async (tx) => {
    const stored = await tx.auditCheckpoint.findUnique({ where: { size: BigInt(size) }, select: { note: true } });
    if (!stored || !stored.note.startsWith(`${body}\n`))
      throw new AppError("not_found", `This log signed no checkpoint with this body (size ${size}).`);
    const witnesses = await tx.auditWitness.findMany({ select: { id: true, vkey: true } });
    const trusted = witnesses.map((w) => ({ id: w.id, ...parseWitnessKey(w.vkey) }));
    let cosignature;
    try {
      cosignature = openCosignature(body, input.cosignature, trusted);
    } catch (e) {
      throw invalid("cosignature", e instanceof Error ? e.message : String(e));
    }
    if (!cosignature) throw new AppError("forbidden", "The cosignature is not by a witness this log trusts.");
    if (cosignature.time > now.getTime() / 1000 + MAX_FUTURE_SECONDS)
      throw invalid("cosignature", "The cosignature's time is in the future.");
    const witness = trusted.find((w) => w.name === cosignature.witness)!;
    const row = { time: BigInt(cosignature.time), line: cosignature.line };
    await tx.auditCosignature.upsert({
      where: { checkpointSize_witnessId: { checkpointSize: BigInt(size), witnessId: witness.id } },
      create: { checkpointSize: BigInt(size), witnessId: witness.id, ...row },
      update: row,
    });
    return witnessStatus(tx, BigInt(size));
  });
}
