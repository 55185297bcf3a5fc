// C2SP tlog-cosignature/v1 with Ed25519: a witness's statement that, as of `time`, the checkpoint is
// the largest consistent tree head it has seen for the log. A note signature line
//   — <witness name> base64(key ID ‖ u64 big-endian time ‖ Ed25519 signature)
// key ID = SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]; signed message =
//   "cosignature/v1\ntime <time>\n" ‖ the checkpoint body (with its final newline).
// Witness keys travel as vkeys "<name>+<key ID hex>+base64(0x04 ‖ public key)". Pure (node:crypto).
import { createHash, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { isValidKeyName, rawPublicKey, strictBase64 } from "./note";

const COSIGNATURE_V1 = 4;
const SIG_PREFIX = "— ";

export interface Witness {
  name: string;
  keyId: Buffer;
  key: KeyObject;
}

function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash("sha256")
    .update(Buffer.concat([Buffer.from(`${name}\n`, "utf8"), Buffer.from([COSIGNATURE_V1]), publicKey]))
    .digest()
    .subarray(0, 4);
}

/** The witness's verifier key, as admins paste it into the trusted list. */
export function witnessVerifierKey(name: string, key: KeyObject): string {
  if (!isValidKeyName(name)) throw new Error(`"${name}" is not a valid key name`);
  const pub = rawPublicKey(key);
  const typed = Buffer.concat([Buffer.from([COSIGNATURE_V1]), pub]);
  return `${name}+${keyId(name, pub).toString("hex")}+${typed.toString("base64")}`;
}

export function parseWitnessKey(vkey: string): Witness {
  const m = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(vkey.trim());
  const typed = m ? strictBase64(m[3]!) : null;
  if (!m || !typed || !isValidKeyName(m[1]!) || !/^[0-9a-f]{8}$/.test(m[2]!))
    throw new Error("malformed witness key: want <name>+<8 hex digits>+<base64 key>");
  if (typed[0] !== COSIGNATURE_V1 || typed.length !== 33)
    throw new Error("not a cosignature/v1 Ed25519 key (its type byte must be 0x04)");
  const pub = typed.subarray(1);
  if (!keyId(m[1]!, pub).equals(Buffer.from(m[2]!, "hex")))
    throw new Error("the witness key's ID does not match its key");
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: pub.toString("base64url") }, format: "jwk" });
  return { name: m[1]!, keyId: Buffer.from(m[2]!, "hex"), key };
}

const message = (body: string, time: number) => Buffer.from(`cosignature/v1\ntime ${time}\n${body}`, "utf8");

/** Cosigns a checkpoint body at `time` (seconds since the epoch): the signature line, with its newline. */
export function cosign(body: string, name: string, privateKey: KeyObject, time: number): string {
  if (!body.endsWith("\n")) throw new Error("a checkpoint body ends with a newline");
  if (!Number.isSafeInteger(time) || time < 0) throw new Error("the time is whole seconds since the epoch");
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const signature = sign(null, message(body, time), privateKey);
  const id = keyId(name, rawPublicKey(privateKey));
  return `${SIG_PREFIX}${name} ${Buffer.concat([id, stamp, signature]).toString("base64")}\n`;
}

export interface Cosignature {
  witness: string;
  time: number;
  line: string;
}

/**
 * The cosignature in `line` by one of `witnesses` over `body`, or null when the line is by none of
 * them; throws when it claims to be by one of them and does not verify.
 */
export function openCosignature(body: string, line: string, witnesses: readonly Witness[]): Cosignature | null {
  const text = line.endsWith("\n") ? line.slice(0, -1) : line;
  if (!text.startsWith(SIG_PREFIX)) throw new Error("a cosignature line starts with '— '");
  const [name, b64, ...rest] = text.slice(SIG_PREFIX.length).split(" ");
  const bytes = b64 === undefined ? null : strictBase64(b64);
  if (rest.length || !name || !bytes) throw new Error("malformed cosignature line");
  const w = witnesses.find((x) => x.name === name && x.keyId.equals(bytes.subarray(0, 4)));
  if (!w) return null;
  if (bytes.length !== 4 + 8 + 64) throw new Error(`malformed cosignature by ${name}: wrong length`);
  const time = bytes.readBigUInt64BE(4);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`cosignature by ${name}: time out of range`);
  if (!verify(null, message(body, Number(time)), w.key, bytes.subarray(12)))
    throw new Error(`invalid cosignature by ${name}: not over this checkpoint`);
  return { witness: name, time: Number(time), line: `${text}\n` };
}
