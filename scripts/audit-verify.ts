// `npm run audit:verify -- <export.json> <checkpoints.jsonl> [--public-key <key.pem>] [--verifier-key <vkey>]`
// Offline verification of an audit export (Audit → Export, JSON) against the signed checkpoints an
// auditor kept (/api/dashboard/audit/checkpoints?format=jsonl) and the server's public key (the
// `publicKey` of /api/dashboard/audit/checkpoints) or its note verifier key (GET
// /api/v1/audit/verifier-key: a file or the text itself; it also pins the log's name). Besides the
// chain, each checkpoint's C2SP signed note is opened and its Merkle root recomputed from the export's
// entry hashes (issue 24). Exit 0 when it verifies, 1 naming the first bad entry, 2 on bad usage.
// Needs no database and no server.
import { existsSync, readFileSync } from "node:fs";
import { parseCheckpoints, publicKeyFromPem } from "../lib/audit/checkpoints";
import { verifyEntries, type VerifiableEntry } from "../lib/audit/verify";
import { parseVerifierKey } from "../lib/audit/note";

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run audit:verify -- <export.json> <checkpoints.jsonl> [--public-key <key.pem>] [--verifier-key <file or text>]`,
  );
  process.exit(2);
}

/** `--name value` options, and the remaining arguments in order. */
function options(argv: string[], names: string[]) {
  const found: Record<string, string | undefined> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (names.includes(argv[i]!)) {
      if (!argv[i + 1]) usage(`${argv[i]} needs a value`);
      found[argv[i]!] = argv[++i];
    } else rest.push(argv[i]!);
  }
  return { found, rest };
}

const { found, rest } = options(process.argv.slice(2), ["--public-key", "--verifier-key"]);
const keyFile = found["--public-key"];
const vkeyArg = found["--verifier-key"];
const [exportFile, checkpointFile] = rest;
if (!exportFile || !checkpointFile) usage("an export and a checkpoint file are required");

let entries: VerifiableEntry[];
try {
  entries = JSON.parse(readFileSync(exportFile, "utf8")) as VerifiableEntry[];
  if (!Array.isArray(entries)) throw new Error("not a JSON array");
} catch (e) {
  usage(`${exportFile} is not a JSON audit export (${(e as Error).message}); export with format=json`);
}
const { checkpoints, badLines } = parseCheckpoints(readFileSync(checkpointFile, "utf8"));
if (badLines.length) {
  console.error(`✗ ${checkpointFile}: lines ${badLines.join(", ")} are not checkpoints (the file was edited)`);
  process.exit(1);
}
let verifierKey: string | undefined;
let publicKey = keyFile ? publicKeyFromPem(readFileSync(keyFile, "utf8")) : null;
if (vkeyArg) {
  verifierKey = (existsSync(vkeyArg) ? readFileSync(vkeyArg, "utf8") : vkeyArg).trim();
  try {
    publicKey ??= parseVerifierKey(verifierKey).key; // the JSON signatures are by the same Ed25519 key
  } catch (e) {
    usage(`--verifier-key: ${(e as Error).message}`);
  }
}
if (!publicKey)
  console.error("warning: no --public-key or --verifier-key: the checkpoints' signatures are not checked");
const verdict = await verifyEntries(entries, checkpoints, publicKey, undefined, { verifierKey });
if (verdict.ok) {
  const notes = checkpoints.filter((c) => c.note).length;
  console.log(
    `✓ ${verdict.checked} entries verified (last seq ${verdict.lastSeq ?? "none"}); ${verdict.checkpoints.matched} of ${verdict.checkpoints.total} checkpoints match${notes ? `, ${notes} signed Merkle roots recomputed` : ""}${verdict.sealed ? `; ${verdict.sealed} entries sealed until their requests close` : ""}.`,
  );
  if (verdict.tree) console.log(`  Merkle tree of ${verdict.tree.size} entries: root ${verdict.tree.root}`);
  process.exit(0);
}
console.log(`✗ broken at entry ${verdict.brokenAt!.seq}: ${verdict.brokenAt!.reason}`);
process.exit(1);
