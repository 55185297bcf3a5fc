// Signed checkpoints of the audit log (SPEC §2 Audit entry). A hash chain alone cannot see a rewrite
// whose hashes were recomputed, nor the loss of its newest entries; so every N entries or M seconds the
// server signs {last seq, its hash, count, time} with an Ed25519 key kept outside the database and
// appends it to a file outside the database. Auditors poll and keep them (/api/dashboard/audit/checkpoints);
// verification (./verify.ts) checks the chain against them, online and offline.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  createHash,
  type KeyObject,
} from "node:crypto";
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { canonicalJson } from "@cwr/gating/canonical";
import { checkpointBody, signNote } from "./note";

export interface Checkpoint {
  /** seq of the last entry covered */
  seq: string;
  /** that entry's hash */
  hash: string;
  /** number of entries up to and including seq */
  count: number;
  /** when it was signed (ISO) */
  at: string;
  /** which key signed it: SHA-256 of the public key (SPKI DER), first 16 hex digits */
  keyId: string;
  /** Ed25519 signature (base64) over the canonical JSON of {seq, hash, count, at} */
  sig: string;
  /**
   * The same head as a C2SP tlog-checkpoint signed note (issue 24): "<origin>\n<count>\n<base64 Merkle
   * root>\n", signed with the same key (lib/audit/note.ts). Absent on checkpoints written before.
   */
  note?: string;
}

const signedPart = (c: Pick<Checkpoint, "seq" | "hash" | "count" | "at">) =>
  Buffer.from(canonicalJson({ seq: c.seq, hash: c.hash, count: c.count, at: c.at }), "utf8");

export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);
}

export function signCheckpoint(
  privateKey: KeyObject,
  c: Pick<Checkpoint, "seq" | "hash" | "count" | "at"> & { root?: Buffer; origin?: string },
): Checkpoint {
  const publicKey = createPublicKey(privateKey);
  return {
    seq: c.seq,
    hash: c.hash,
    count: c.count,
    at: c.at,
    keyId: keyIdOf(publicKey),
    sig: sign(null, signedPart(c), privateKey).toString("base64"),
    ...(c.root && c.origin
      ? { note: signNote(checkpointBody({ origin: c.origin, size: c.count, root: c.root }), c.origin, privateKey) }
      : {}),
  };
}

export function checkpointSignatureValid(publicKey: KeyObject, c: Checkpoint): boolean {
  try {
    return keyIdOf(publicKey) === c.keyId && verify(null, signedPart(c), publicKey, Buffer.from(c.sig, "base64"));
  } catch {
    return false;
  }
}

/** A public key from PEM text (the form the route serves and the CLI reads). */
export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Checkpoints from JSON-lines text; a line that is not a checkpoint is reported, never skipped silently. */
export function parseCheckpoints(text: string): { checkpoints: Checkpoint[]; badLines: number[] } {
  const checkpoints: Checkpoint[] = [];
  const badLines: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const c = JSON.parse(line) as Checkpoint;
      if (
        typeof c.seq === "string" &&
        /^\d+$/.test(c.seq) &&
        typeof c.hash === "string" &&
        Number.isInteger(c.count) &&
        typeof c.at === "string" &&
        typeof c.sig === "string" &&
        typeof c.keyId === "string" &&
        (c.note === undefined || typeof c.note === "string")
      )
        checkpoints.push(c);
      else badLines.push(i + 1);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { checkpoints, badLines };
}

// ── Where the key and the file live ─────────────────────────────────────────────────────────────

/** Beside the data folder on the embedded default (never inside the database); `.data/` on a server. */
function defaultDir(env: NodeJS.ProcessEnv): string {
  const cwd = /*turbopackIgnore: true*/ process.cwd();
  return env.DATABASE_URL
    ? path.resolve(cwd, ".data")
    : path.resolve(cwd, env.PGLITE_DIR?.trim() || ".data/pglite", "..");
}

/**
 * AUDIT_CHECKPOINT_FILE, else beside the data: `audit-checkpoints.jsonl` for the embedded database, and
 * on a server one file per database (host, port, name), so checkpoints of two databases never mix.
 */
export function checkpointFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUDIT_CHECKPOINT_FILE?.trim())
    return path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.AUDIT_CHECKPOINT_FILE.trim());
  const url = env.DATABASE_URL?.trim();
  if (!url) return path.join(defaultDir(env), "audit-checkpoints.jsonl");
  let id = "postgres";
  try {
    const u = new URL(url);
    id = `${u.hostname}-${u.port || "5432"}-${decodeURIComponent(u.pathname.slice(1)) || "postgres"}`.replace(
      /[^A-Za-z0-9._-]/g,
      "_",
    );
  } catch {
    /* an invalid URL fails elsewhere, clearly */
  }
  return path.join(defaultDir(env), `audit-checkpoints-${id}.jsonl`);
}

const g = globalThis as unknown as { __cwrAuditKey?: KeyObject };

/**
 * The signing key: AUDIT_SIGNING_KEY (PEM text), AUDIT_SIGNING_KEY_FILE (a PEM file), or, when neither
 * is set, `audit-signing-key.pem` beside the data folder, made once (mode 0600).
 */
export function signingKey(env: NodeJS.ProcessEnv = process.env): KeyObject {
  if (g.__cwrAuditKey) return g.__cwrAuditKey;
  const pem = env.AUDIT_SIGNING_KEY?.trim();
  if (pem) return (g.__cwrAuditKey = createPrivateKey(pem.replace(/\\n/g, "\n")));
  const file = env.AUDIT_SIGNING_KEY_FILE?.trim()
    ? path.resolve(/*turbopackIgnore: true*/ process.cwd(), env.AUDIT_SIGNING_KEY_FILE.trim())
    : path.join(defaultDir(env), "audit-signing-key.pem");
  if (!existsSync(file)) {
    if (env.AUDIT_SIGNING_KEY_FILE?.trim()) throw new Error(`AUDIT_SIGNING_KEY_FILE ${file} does not exist.`);
    mkdirSync(path.dirname(file), { recursive: true });
    const { privateKey } = generateKeyPairSync("ed25519");
    try {
      writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e; // another process made it first
    }
  }
  return (g.__cwrAuditKey = createPrivateKey(readFileSync(file, "utf8")));
}

/**
 * Fails, in one line, unless the configured signing key can sign: a server that started without one
 * used to say "ready" and then log an error every 5 s (issue 21). Called at start.
 */
export function checkSigningKey(env: NodeJS.ProcessEnv = process.env): void {
  try {
    const key = signingKey(env);
    sign(null, Buffer.from("cwr signing key check"), key);
  } catch (e) {
    const source = env.AUDIT_SIGNING_KEY?.trim()
      ? "AUDIT_SIGNING_KEY"
      : env.AUDIT_SIGNING_KEY_FILE?.trim()
        ? `AUDIT_SIGNING_KEY_FILE (${env.AUDIT_SIGNING_KEY_FILE.trim()})`
        : `the audit signing key beside the data (AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE to set one)`;
    const reason = ((e as Error).message || String(e)).replace(/\s+/g, " ");
    throw new Error(`${source} is not a usable Ed25519 private key: ${reason}`);
  }
}

export function publicKeyPem(env: NodeJS.ProcessEnv = process.env): string {
  return createPublicKey(signingKey(env)).export({ type: "spki", format: "pem" }).toString();
}

export function readCheckpointFile(file = checkpointFilePath()): { checkpoints: Checkpoint[]; badLines: number[] } {
  if (!existsSync(file)) return { checkpoints: [], badLines: [] };
  return parseCheckpoints(readFileSync(file, "utf8"));
}

/** Appends one line and syncs it to disk: the file is only ever appended to. */
export function appendCheckpoint(c: Checkpoint, file = checkpointFilePath()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const size = existsSync(file) ? statSync(file).size : 0;
  try {
    appendFileSync(file, JSON.stringify(c) + "\n", { mode: 0o644 });
  } catch (e) {
    // A full disk may take part of the line: cut it off again, or the file would hold a line that is
    // not a checkpoint and fail verification for good. The checkpoint is written at a later run.
    try {
      truncateSync(file, size);
    } catch {
      /* nothing was written */
    }
    throw e;
  }
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
