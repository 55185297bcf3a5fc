// Issue 21 item 2 (rule 3), the audit list: past the seal horizon an open request's reviews are left
// out of /api/dashboard/audit and /audit, but the rows around them must not tell how many: not by
// gaps in seq, not by a prevHash that names no shown entry, not by a page cursor holding a seq.
// Against the real production server on its embedded database, as a reviewer or an admin who has not
// reviewed would read it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";

let server: TestServer;
const cookies = new Map<string, string>();
const RATIONALE = "Checked the evidence against the bar; this is my own judgement of it.";

beforeAll(async () => {
  server = await startServer();
}, 240_000);
afterAll(async () => server?.stop());

async function as(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, await signInCookie(server.baseUrl, email));
  return cookies.get(email)!;
}
const get = async (p: string, email: string) =>
  fetch(server.baseUrl + p, { headers: { cookie: await as(email) }, redirect: "manual" });
async function getJson<T>(p: string, email: string): Promise<T> {
  const res = await get(p, email);
  expect(res.status, `${p}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

interface ListRow {
  seq?: string | null;
  hash?: string | null;
  prevHash?: string | null;
  kind: string;
  entityId: string;
}
interface Page {
  rows: ListRow[];
  nextBefore: string | null;
}

/** Every row the reader can page through, newest first, with each page's cursor. */
async function readWholeList(email: string): Promise<{ rows: ListRow[]; cursors: string[] }> {
  const rows: ListRow[] = [];
  const cursors: string[] = [];
  let before: string | null = null;
  for (let i = 0; i < 400; i++) {
    const q = new URLSearchParams({ ingestion: "include", ...(before ? { before } : {}) });
    const page: Page = await getJson<Page>(`/api/dashboard/audit?${q}`, email);
    rows.push(...page.rows);
    if (!page.nextBefore) break;
    cursors.push(page.nextBefore);
    before = page.nextBefore;
  }
  return { rows, cursors };
}

/**
 * How many entries the reader can tell are missing from an unfiltered list: consecutive shown seqs
 * must be consecutive numbers, each shown prevHash the shown hash of the row below it, and a cursor
 * that reads as a seq must be the seq of the row it follows.
 */
function inferableHidden({ rows, cursors }: { rows: ListRow[]; cursors: string[] }): number {
  let hidden = 0;
  for (let i = 0; i + 1 < rows.length; i++) {
    const [a, b] = [rows[i]!, rows[i + 1]!];
    if (a.seq && b.seq) hidden += Number(BigInt(a.seq) - BigInt(b.seq) - 1n);
    else if (a.prevHash && b.hash && a.prevHash !== b.hash) hidden += 1;
  }
  const shownSeqs = new Set(rows.map((r) => r.seq).filter(Boolean));
  for (const c of cursors) if (/^\d+$/.test(c) && !shownSeqs.has(c)) hidden += 1;
  return hidden;
}

describe("item 2: the audit list does not count sealed entries (rule 3)", () => {
  it("a reader who has not reviewed an open request cannot tell from seq, hashes or cursors how many entries were hidden", async () => {
    const open = await getJson<{ rows: Array<{ id: string }> }>(
      `/api/dashboard/requests?status=open`,
      "reviewer1@demo.local",
    );
    const requestId = open.rows[0]!.id;
    const readers = ["reviewer2@demo.local", "admin@demo.local", "auditor@demo.local"];
    for (const r of readers) await as(r); // their sign-ins are audited: done before the first look
    for (const r of readers) expect(inferableHidden(await readWholeList(r)), `${r} before the review`).toBe(0);

    const detail = await getJson<{ request: { snapshotHash: string } }>(
      `/api/dashboard/requests/${requestId}`,
      "reviewer1@demo.local",
    );
    const review = await callAction(server.baseUrl, await as("reviewer1@demo.local"), "reviewAction", {
      requestId,
      decision: "approve",
      rationale: RATIONALE,
      snapshotHash: detail.request.snapshotHash,
    });
    expect(review.result).toMatchObject({ ok: true, data: { status: "open" } });
    await as("reviewer3@demo.local"); // an entry everyone may see, appended after the sealed ones

    for (const r of readers) {
      const seen = await readWholeList(r);
      expect(seen.rows.some((row) => row.kind === "request.reviewed" && row.entityId === requestId)).toBe(false);
      expect(inferableHidden(seen), `${r}: entries the list lets one count`).toBe(0);
      // The page shows the same rows: no seq or hash of an entry past the horizon in its text either.
      const newest = seen.rows[0]!;
      const html = await (await get(`/audit?ingestion=include`, r)).text();
      if (newest.hash) expect(html).not.toContain(newest.hash);
    }

    // The reviewer who reviewed sees it; so does everyone once the request closes (item 2 covers only
    // those who have not). Here: the list is still free of gaps for them too.
    expect(inferableHidden(await readWholeList("reviewer1@demo.local"))).toBe(0);
  }, 120_000);
});
