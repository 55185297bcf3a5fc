// `npm run audit:verify -- <export.json> <checkpoints.jsonl> [--public-key <key.pem>]`
// Offline verification of an audit export (Audit → Export, JSON) against the signed checkpoints an
// auditor kept (/api/dashboard/audit/checkpoints?format=jsonl) and the server's public key (the
// `publicKey` of /api/dashboard/audit/checkpoints). Exit 0 when it verifies, 1 naming the first bad
// entry, 2 on bad usage. Needs no database and no server.
import { readFileSync } from "node:fs";
import { parseCheckpoints, publicKeyFromPem } from "../lib/audit/checkpoints";
import { verifyEntries, type VerifiableEntry } from "../lib/audit/verify";

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run audit:verify -- <export.json> <checkpoints.jsonl> [--public-key <key.pem>]`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const keyAt = args.indexOf("--public-key");
const keyFile = keyAt >= 0 ? args[keyAt + 1] : undefined;
if (keyAt >= 0 && !keyFile) usage("--public-key needs a file");
const [exportFile, checkpointFile] = args.filter((_, i) => keyAt < 0 || (i !== keyAt && i !== keyAt + 1));
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
const publicKey = keyFile ? publicKeyFromPem(readFileSync(keyFile, "utf8")) : null;
if (!publicKey) console.error("warning: no --public-key: the checkpoints' signatures are not checked");
const verdict = await verifyEntries(entries, checkpoints, publicKey);
if (verdict.ok) {
  console.log(
    `✓ ${verdict.checked} entries verified (last seq ${verdict.lastSeq ?? "none"}); ${verdict.checkpoints.matched} of ${verdict.checkpoints.total} checkpoints match${verdict.sealed ? `; ${verdict.sealed} entries sealed until their requests close` : ""}.`,
  );
  process.exit(0);
}
console.log(`✗ broken at entry ${verdict.brokenAt!.seq}: ${verdict.brokenAt!.reason}`);
process.exit(1);
