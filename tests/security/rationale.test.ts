// Issue 21 item 10 (SPEC §3 rule 3): a rationale is words. At least 20 visible characters after NFKC
// (zero-width and filler characters do not count), at least 10 letters or digits, in at least 3 words.
// Against the real production server, through every door that asks for one: nothing a careless or
// hurried person types to get past the box ("....................") reviews, freezes, demotes, grants or
// overrides anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";
import type { Tier } from "@cwr/gating/types";

let server: TestServer;
const cookies = new Map<string, string>();
const WORDS = "Checked the evidence against the bar; this is my own judgement.";

/** Not words, each for a different reason. */
const NOT_WORDS = {
  dots: ".".repeat(20),
  punctuation: "!?.,;:-_()[]{}!?.,;:-_",
  oneWord: "a".repeat(25),
  fewLetters: "ok ok ok ............",
  braille: "ok go now " + "\u2800".repeat(20),
  fillers: "good\u3164work\u115Fhere" + "\u2060".repeat(20),
};

beforeAll(async () => {
  server = await startServer();
}, 240_000);
afterAll(async () => server?.stop());

async function as(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, await signInCookie(server.baseUrl, email));
  return cookies.get(email)!;
}
const getJson = async <T>(p: string, email: string) =>
  (await (await fetch(server.baseUrl + p, { headers: { cookie: await as(email) } })).json()) as T;
type ActionAnswer =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; message: string; details?: unknown } };
const act = async (email: string, name: string, input: unknown) =>
  (await callAction(server.baseUrl, await as(email), name, input)).result as ActionAnswer;

interface Row {
  id: string;
  key: string;
  tier: Tier;
  frozen: boolean;
  stateVersion: number;
}
const overview = async () => (await getJson<{ rows: Row[] }>("/api/dashboard/overview", "admin@demo.local")).rows;

async function openRequest(email: string) {
  const list = await getJson<{ rows: Array<{ id: string; status: string }> } | Array<{ id: string; status: string }>>(
    `/api/dashboard/requests?status=open`,
    email,
  );
  const open = (Array.isArray(list) ? list : list.rows).find((r) => r.status === "open")!;
  const page = await getJson<{ request: { snapshotHash: string } }>(`/api/dashboard/requests/${open.id}`, email);
  return { id: open.id, snapshotHash: page.request.snapshotHash };
}

const refusedFor = (code: string) => expect.objectContaining({ ok: false, error: expect.objectContaining({ code }) });

describe("a rationale is words (issue 21 item 10)", () => {
  it("twenty dots do not approve a review, nor does any other rationale that is not words", async () => {
    const req = await openRequest("reviewer2@demo.local");
    for (const [why, rationale] of Object.entries(NOT_WORDS)) {
      const answer = await act("reviewer2@demo.local", "reviewAction", {
        requestId: req.id,
        decision: "approve",
        rationale,
        snapshotHash: req.snapshotHash,
      });
      expect(answer, why).toEqual(refusedFor("rationale_too_short"));
    }
    // Nothing was recorded: reviewer2 may still review this request, with words.
    expect(
      await act("reviewer2@demo.local", "reviewAction", {
        requestId: req.id,
        decision: "reject",
        rationale: WORDS,
        snapshotHash: req.snapshotHash,
      }),
    ).toMatchObject({ ok: true });
  });

  it("nor freeze (the dashboard's form and the admin API), nor demote", async () => {
    const row = (await overview()).find((r) => !r.frozen && r.tier !== "CRAWL")!;
    for (const [why, rationale] of Object.entries(NOT_WORDS)) {
      const input = { actionTypeId: row.id, frozen: true, stateVersion: row.stateVersion, rationale };
      expect(await act("reviewer1@demo.local", "freezeAction", input), why).toEqual(refusedFor("rationale_too_short"));
      const api = await fetch(`${server.baseUrl}/api/admin/action-types/${row.id}/freeze`, {
        method: "POST",
        headers: { cookie: await as("admin@demo.local"), "content-type": "application/json" },
        body: JSON.stringify({ frozen: true, stateVersion: row.stateVersion, rationale }),
      });
      expect([api.status, ((await api.json()) as { error?: { code: string } }).error?.code], why).toEqual([
        422,
        "rationale_too_short",
      ]);
      const demote = { actionTypeId: row.id, fromTier: row.tier, stateVersion: row.stateVersion, rationale };
      expect(await act("reviewer1@demo.local", "demoteAction", demote), why).toEqual(refusedFor("rationale_too_short"));
    }
    expect((await overview()).find((r) => r.id === row.id)).toMatchObject({
      tier: row.tier,
      frozen: false,
      stateVersion: row.stateVersion,
    });
  });

  it("nor approve a grant of review power", async () => {
    const email = `grantee-${Date.now()}@demo.local`;
    // A new account with review power is a grant another reviewer must approve, with a rationale.
    const made = await act("admin@demo.local", "createUserAction", { email, name: "Grantee", role: "reviewer" });
    expect(made).toMatchObject({ ok: true, data: { pendingRole: "reviewer" } });
    const grantId = (made as unknown as { data: { grantId: string } }).data.grantId;
    for (const [why, rationale] of Object.entries(NOT_WORDS)) {
      expect(
        await act("reviewer2@demo.local", "decideRoleGrantAction", {
          grantId,
          decision: "approve",
          rationale,
        }),
        why,
      ).toEqual(refusedFor("rationale_too_short"));
    }
  });

  it("nor justify an override", async () => {
    const rows = (await overview()).filter((r) => !r.frozen && r.tier !== "RUN");
    let judged = 0;
    for (const row of rows) {
      const codes: string[] = [];
      for (const justification of Object.values(NOT_WORDS)) {
        const a = await act("admin@demo.local", "openRequestAction", {
          actionTypeId: row.id,
          kind: "override",
          justification,
        });
        codes.push(a.ok ? "opened" : a.error.code);
      }
      expect(codes).not.toContain("opened");
      // An action type whose override is refused for another reason (an open request) tells nothing.
      if (codes.every((c) => c === "justification_too_short")) judged++;
    }
    expect(judged).toBeGreaterThan(0);
  });
});
