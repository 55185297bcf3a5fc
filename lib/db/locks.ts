// Row locks that order concurrent writers, and the transaction options every mutation uses.
// Lock order everywhere: action types (by id), then their requests (lib/state/interpreter.ts). Ingest, reviews, freezes and policy
// edits on one action type therefore run one after another, and never deadlock each other.
import type { Tx } from "./client";
import { notFound } from "@/lib/errors";

/** Interactive transactions: generous, since PGlite runs them one at a time. */
export const TX_OPTIONS = { timeout: 30_000, maxWait: 30_000 } as const;

/** Locks action types in id order; refuses with a 404 when any of them does not exist. */
export async function lockActionTypes(tx: Tx, ids: string[]): Promise<void> {
  const sorted = [...new Set(ids)].sort();
  if (sorted.length === 0) return;
  const rows = await tx.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT id::text AS id FROM action_types WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    sorted,
  );
  if (rows.length !== sorted.length) throw notFound("Action type");
}
