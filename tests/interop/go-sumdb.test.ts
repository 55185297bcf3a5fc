// Issue 24 item 5: interop proven by someone else's code. Go's golang.org/x/mod/sumdb/note and
// sumdb/tlog (Debian: golang-go + golang-golang-x-mod-dev, offline with GO111MODULE=off) verify our
// server's checkpoints, inclusion proof and consistency proof, and refuse tampered ones.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAction } from "../helpers/actions";
import { createKey, signInCookie, startServer, type TestServer } from "../helpers/server";

const GOPATH = "/usr/share/gocode";
const goVersion = spawnSync("go", ["version"], { encoding: "utf8" });
const missing =
  goVersion.status !== 0
    ? "the `go` command (apt-get install -y golang-go golang-golang-x-mod-dev)"
    : !existsSync(path.join(GOPATH, "src/golang.org/x/mod/sumdb/tlog"))
      ? `golang.org/x/mod under ${GOPATH} (apt-get install -y golang-golang-x-mod-dev)`
      : null;
if (missing) console.warn(`go-sumdb interop test skipped: missing ${missing}`);

let server: TestServer;
let auditor: string;
const get = async (p: string, cookie = auditor) => {
  const res = await fetch(server.baseUrl + p, { headers: cookie ? { cookie } : {} });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res;
};

/** The newest checkpoint the server serves once its size is at least `min`. */
async function checkpointOfAtLeast(min: number): Promise<{ note: string; size: number }> {
  for (let i = 0; i < 120; i++) {
    const res = await fetch(server.baseUrl + "/api/v1/audit/checkpoint", { headers: { cookie: auditor } });
    if (res.ok) {
      const note = await res.text();
      const size = Number(note.split("\n")[1]);
      if (size >= min) return { note, size };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no checkpoint of size ≥ ${min}:\n${server.logs()}`);
}

describe.skipIf(missing !== null)("Go's sumdb/note and sumdb/tlog verify our audit log", () => {
  beforeAll(async () => {
    server = await startServer({ AUDIT_CHECKPOINT_SECONDS: "1", AUDIT_CHECKPOINT_EVERY: "1" });
    auditor = await signInCookie(server.baseUrl, "auditor@demo.local");
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("checkpoints, an inclusion proof and a consistency proof verify; tampered ones fail", async () => {
    const older = await checkpointOfAtLeast(2);
    // The demo holds an open request: readers are served checkpoints up to its seal horizon only. Its
    // requester withdraws it, so the next checkpoint covers the head; then more audited mutations.
    const engineer = await signInCookie(server.baseUrl, "viewer@demo.local");
    const open = (await (await get("/api/dashboard/requests?status=open", engineer)).json()) as {
      rows: Array<{ id: string }>;
    };
    for (const r of open.rows) {
      const answer = await callAction(server.baseUrl, engineer, "withdrawAction", { requestId: r.id });
      expect(answer.status, answer.text).toBe(200);
    }
    for (let i = 0; i < 3; i++) await createKey(server.baseUrl, "support-bot", `interop-${i}`);
    const newer = await checkpointOfAtLeast(older.size + 1);
    const verifierKey = (await (await get("/api/v1/audit/verifier-key", "")).text()).trim();
    const origin = older.note.split("\n")[0]!;
    const index = Math.floor(older.size / 2);
    const inclusion = (await (await get(`/api/v1/audit/proof/inclusion?index=${index}&size=${newer.size}`)).json()) as {
      proof: string[];
    };
    const consistency = (await (
      await get(`/api/v1/audit/proof/consistency?from=${older.size}&to=${newer.size}`)
    ).json()) as { proof: string[] };
    const entries = (await (await get("/api/dashboard/audit/export?format=json")).json()) as Array<{
      seq: string;
      hash: string;
    }>;
    const entry = entries.find((e) => e.seq === String(index + 1))!;
    const input = {
      verifierKey,
      origin,
      old: older.note,
      new: newer.note,
      inclusion: { index, entryHash: entry.hash, proof: inclusion.proof },
      consistency: { proof: consistency.proof },
    };
    const run = spawnSync("go", ["run", "main.go"], {
      cwd: path.join(__dirname, "go"),
      input: JSON.stringify(input),
      encoding: "utf8",
      env: { ...process.env, GO111MODULE: "off", GOPATH, GOCACHE: "/tmp/cwr-go-cache" },
      timeout: 120_000,
    });
    console.log(run.stdout, run.stderr);
    expect(run.stdout).toMatch(/all checks passed/);
    expect(run.stdout).toMatch(/ok   inclusion proof with a flipped byte refused/);
    expect(run.stdout).toMatch(/ok   consistency proof with a flipped byte refused/);
    expect(run.status).toBe(0);
  }, 240_000);
});
