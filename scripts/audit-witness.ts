// A witness for the audit log (issue 24 item 4, C2SP tlog-witness semantics), run by an auditor on
// their own machine:
//   npm run audit:witness -- --init --name <witness name> --key witness.key      (once: prints the key
//                                                                                  an admin trusts)
//   npm run audit:witness -- --log <URL> --key witness.key --state witness.json [--log-key <vkey>]
// It fetches the log's newest checkpoint, opens its signed note with the log's verifier key (pinned in
// the state at first contact, or given), and checks it against the last checkpoint it cosigned: the
// same size must have the same root, a larger one must come with a consistency proof that verifies, a
// smaller one is a rollback. Only then does it cosign (tlog-cosignature/v1), post the cosignature
// back and remember the checkpoint. An inconsistent log is refused: exit 3, with both checkpoints.
// Exit 0 cosigned, 1 on errors (network, the log's answers), 2 on bad usage.
import { generateKeyPairSync, createPrivateKey } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cosign, witnessVerifierKey } from "../lib/audit/cosignature";
import { verifyConsistency } from "../lib/audit/merkle";
import { isValidKeyName, openNote, parseCheckpointBody } from "../lib/audit/note";

interface WitnessKeyFile {
  name: string;
  /** PKCS#8 PEM of the Ed25519 key */
  privateKey: string;
}

interface WitnessState {
  logKey: string;
  origin: string;
  size: number;
  root: string;
  /** the checkpoint it last cosigned, as served */
  note: string;
}

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm run audit:witness -- --init --name <name> --key <file>\n` +
      `       npm run audit:witness -- --log <URL> --key <file> --state <file> [--log-key <vkey>]`,
  );
  process.exit(2);
}

function options(argv: string[]) {
  const found: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--init") found.init = true;
    else if (["--name", "--key", "--log", "--state", "--log-key"].includes(a)) {
      if (argv[i + 1] === undefined) usage(`${a} needs a value`);
      found[a.slice(2)] = argv[++i]!;
    } else usage(`unknown argument ${a}`);
  }
  return found;
}

class Refusal extends Error {}

async function get(url: string): Promise<string> {
  const res = await fetch(url, { headers: { accept: "text/plain, application/json" } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text;
}

function init(name: string | undefined, keyFile: string) {
  if (!name || !isValidKeyName(name)) usage("--name must be a key name (no spaces, no '+'), e.g. auditor.example/w1");
  if (existsSync(keyFile)) usage(`${keyFile} exists: not overwriting a witness key`);
  const { privateKey } = generateKeyPairSync("ed25519");
  const file: WitnessKeyFile = { name, privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
  writeFileSync(keyFile, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
  console.log(witnessVerifierKey(name, privateKey));
}

async function witness(log: string, keyFile: string, stateFile: string, givenLogKey: string | undefined) {
  const key = JSON.parse(readFileSync(keyFile, "utf8")) as WitnessKeyFile;
  const privateKey = createPrivateKey(key.privateKey);
  const previous: WitnessState | null = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, "utf8")) as WitnessState)
    : null;
  const base = log.replace(/\/+$/, "");
  const logKey = givenLogKey ?? previous?.logKey ?? (await get(`${base}/api/v1/audit/verifier-key`)).trim();
  if (previous && previous.logKey !== logKey)
    throw new Refusal(`the log's verifier key differs from the one pinned in ${stateFile}`);

  const note = await get(`${base}/api/v1/audit/checkpoint`);
  const opened = openNote(note, [logKey]);
  const checkpoint = parseCheckpointBody(opened.text);
  if (previous && checkpoint.origin !== previous.origin)
    throw new Refusal(`the checkpoint's origin ${checkpoint.origin} is not ${previous.origin}`);
  if (previous) {
    const oldRoot = Buffer.from(previous.root, "base64");
    if (checkpoint.size < previous.size)
      throw new Refusal(`rollback: size ${checkpoint.size} is smaller than the ${previous.size} already cosigned`);
    if (checkpoint.size === previous.size && !checkpoint.root.equals(oldRoot))
      throw new Refusal(`fork: two different roots for size ${checkpoint.size}`);
    if (checkpoint.size > previous.size) {
      const answer = JSON.parse(
        await get(`${base}/api/v1/audit/proof/consistency?from=${previous.size}&to=${checkpoint.size}`),
      ) as { proof: string[] };
      const proof = answer.proof.map((h) => Buffer.from(h, "base64"));
      if (!verifyConsistency(previous.size, checkpoint.size, proof, oldRoot, checkpoint.root))
        throw new Refusal(
          `inconsistent: the tree of ${checkpoint.size} entries does not extend the ${previous.size} already cosigned`,
        );
    }
  }

  const line = cosign(opened.text, key.name, privateKey, Math.floor(Date.now() / 1000));
  const res = await fetch(`${base}/api/v1/audit/cosignatures`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ checkpoint: opened.text, cosignature: line }),
  });
  const status = await res.text();
  if (!res.ok) throw new Error(`the log refused the cosignature: HTTP ${res.status} ${status.slice(0, 300)}`);
  const state: WitnessState = {
    logKey,
    origin: checkpoint.origin,
    size: checkpoint.size,
    root: checkpoint.root.toString("base64"),
    note,
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2) + "\n");
  console.log(JSON.stringify({ cosigned: checkpoint.size, origin: checkpoint.origin, status: JSON.parse(status) }));
  return { note, previous };
}

async function main() {
  const o = options(process.argv.slice(2));
  if (typeof o.key !== "string") usage("--key is required");
  if (o.init) return init(typeof o.name === "string" ? o.name : undefined, o.key);
  if (typeof o.log !== "string") usage("--log is required");
  if (typeof o.state !== "string") usage("--state is required");
  const stateFile = o.state;
  try {
    await witness(o.log, o.key, stateFile, typeof o["log-key"] === "string" ? o["log-key"] : undefined);
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    // Both checkpoints, so whoever reads this can take them to the log's operator (or a court).
    const previous = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as WitnessState) : null;
    let current = "(could not be fetched again)";
    try {
      current = await get(`${o.log.replace(/\/+$/, "")}/api/v1/audit/checkpoint`);
    } catch {
      /* the refusal stands on what was checked */
    }
    console.error(`REFUSED to cosign: ${e.message}`);
    console.error(`--- the checkpoint last cosigned ---\n${previous?.note ?? "(none)"}`);
    console.error(`--- the checkpoint the log serves now ---\n${current}`);
    process.exit(3);
  }
}

main().catch((e: unknown) => {
  console.error(`audit:witness failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
