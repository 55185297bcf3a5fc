// C2SP signed notes (signed-note) with Ed25519, and the tlog-checkpoint body they carry, byte for byte
// as golang.org/x/mod/sumdb/note writes and reads them:
//   text (ends in "\n"), a blank line, then lines "— <key name> base64(key hash ‖ signature)\n";
//   key hash = the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), 0x01 naming Ed25519;
//   verifier key = "<name>+<key hash, 8 hex digits>+base64(0x01 ‖ public key)".
// Pure: no I/O (node:crypto signs and verifies).
import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

const ED25519 = 1;
const SIG_PREFIX = "— ";

/** A key name: non-empty, no whitespace, no "+" (note.isValidName). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === "public" ? key : createPublicKey(key)).export({ format: "jwk" }) as {
    kty?: string;
    crv?: string;
    x?: string;
  };
  if (jwk.crv !== "Ed25519" || !jwk.x) throw new Error("a signed note needs an Ed25519 key");
  return Buffer.from(jwk.x, "base64url");
}

function keyHash(name: string, typedKey: Buffer): Buffer {
  return createHash("sha256")
    .update(Buffer.concat([Buffer.from(`${name}\n`, "utf8"), typedKey]))
    .digest()
    .subarray(0, 4);
}

/** The verifier key of `name` for this Ed25519 key (public or private). */
export function verifierKey(name: string, key: KeyObject): string {
  if (!isValidKeyName(name)) throw new Error(`"${name}" is not a valid note key name`);
  const typed = Buffer.concat([Buffer.from([ED25519]), rawPublicKey(key)]);
  return `${name}+${keyHash(name, typed).toString("hex")}+${typed.toString("base64")}`;
}

interface Verifier {
  name: string;
  hash: Buffer;
  key: KeyObject;
}

/** Decodes base64 only in its canonical form (Go and Node both accept non-zero padding bits). */
export function strictBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

export function parseVerifierKey(vkey: string): Verifier {
  // name "+" hash "+" key: the base64 key may itself hold "+" (note.NewVerifier chops twice)
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim());
  const [name, hex, b64] = m ? [m[1]!, m[2]!, m[3]!] : [];
  const typed = b64 === undefined ? null : strictBase64(b64);
  if (!m || !typed || !isValidKeyName(name!) || !/^[0-9a-f]{8}$/.test(hex!))
    throw new Error("malformed verifier key: want <name>+<8 hex digits>+<base64 key>");
  if (typed[0] !== ED25519 || typed.length !== 33) throw new Error("the verifier key is not an Ed25519 key");
  if (!keyHash(name!, typed).equals(Buffer.from(hex!, "hex")))
    throw new Error("the verifier key's hash does not match its key");
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: typed.subarray(1).toString("base64url") },
    format: "jwk",
  });
  return { name: name!, hash: Buffer.from(hex!, "hex"), key };
}

/** Signs `text` (which must end in a newline) as `name`: the note, ready to serve. */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith("\n")) throw new Error("a note's text ends with a newline");
  const typed = Buffer.concat([Buffer.from([ED25519]), rawPublicKey(privateKey)]);
  const signature = sign(null, Buffer.from(text, "utf8"), privateKey);
  const line = `${SIG_PREFIX}${name} ${Buffer.concat([keyHash(name, typed), signature]).toString("base64")}\n`;
  return `${text}\n${line}`;
}

export interface OpenedNote {
  text: string;
  /** the key names that signed it among the verifiers given */
  verifiedBy: string[];
  /** signature lines by keys not given (e.g. witnesses' cosignatures), kept as written */
  otherSignatures: string[];
}

/** note.Open: the text of a note signed by at least one of the verifier keys; throws naming why not. */
export function openNote(note: string, verifierKeys: readonly string[]): OpenedNote {
  const verifiers = verifierKeys.map(parseVerifierKey);
  if (!note.endsWith("\n")) throw new Error("malformed note: it does not end with a newline");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new Error("malformed note: no signature block");
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  const verifiedBy: string[] = [];
  const otherSignatures: string[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) throw new Error("malformed note: a signature line does not start with '— '");
    const [name, b64, ...rest] = line.slice(SIG_PREFIX.length).split(" ");
    const sig = b64 === undefined ? null : strictBase64(b64);
    if (rest.length || !name || !isValidKeyName(name) || !sig || sig.length < 5)
      throw new Error("malformed note: bad signature line");
    const v = verifiers.find((k) => k.name === name && k.hash.equals(sig.subarray(0, 4)));
    if (!v) {
      otherSignatures.push(line);
      continue;
    }
    if (!verify(null, Buffer.from(text, "utf8"), v.key, sig.subarray(4)))
      throw new Error(`invalid signature by ${name}: the note was altered or signed by another key`);
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) throw new Error("no signature by a known key (unknown key or name)");
  return { text, verifiedBy, otherSignatures };
}

// ── tlog-checkpoint ────────────────────────────────────────────────────────────────────────────

export interface CheckpointBody {
  origin: string;
  size: number;
  root: Buffer;
  /** optional extension lines after the root (none written by us) */
  extensions: string[];
}

export function checkpointBody(c: { origin: string; size: number; root: Buffer }): string {
  return `${c.origin}\n${c.size}\n${c.root.toString("base64")}\n`;
}

export function parseCheckpointBody(text: string): CheckpointBody {
  const lines = text.split("\n");
  if (lines.length < 4 || lines[lines.length - 1] !== "") throw new Error("malformed checkpoint: too few lines");
  const [origin, size, root, ...rest] = lines.slice(0, -1);
  if (!origin) throw new Error("malformed checkpoint: empty origin");
  if (!/^(0|[1-9]\d{0,15})$/.test(size!) || !Number.isSafeInteger(Number(size)))
    throw new Error("malformed checkpoint: the tree size is not a decimal number");
  const hash = strictBase64(root!);
  if (!hash || hash.length !== 32) throw new Error("malformed checkpoint: the root is not a base64 SHA-256 hash");
  return { origin, size: Number(size), root: hash, extensions: rest };
}
