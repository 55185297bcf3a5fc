// Issue 21 items 2 and 3, against the real production server on its embedded database, the way a
// curious reviewer, an admin or an insider would try them. Each failed on the code before the fix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInCookie, startServer, type TestServer } from "../helpers/server";
import { callAction } from "../helpers/actions";
import type { Tier } from "@cwr/gating/types";

let server: TestServer;
const cookies = new Map<string, string>();
const RATIONALE = "Checked the evidence against the bar; this is my own judgement of it.";

beforeAll(async () => {
  server = await startServer({ AUDIT_CHECKPOINT_SECONDS: "1" });
}, 240_000);
afterAll(async () => server?.stop());

async function as(email: string): Promise<string> {
  if (!cookies.has(email)) cookies.set(email, await signInCookie(server.baseUrl, email));
  return cookies.get(email)!;
}
const get = async (p: string, email: string) =>
  fetch(server.baseUrl + p, { headers: { cookie: await as(email) }, redirect: "manual" });
const getJson = async <T>(p: string, email: string) => (await (await get(p, email)).json()) as T;
type ActionAnswer =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; error: { code: string; message: string; details?: unknown } };
const act = async (email: string, name: string, input: unknown) =>
  (await callAction(server.baseUrl, await as(email), name, input)).result as ActionAnswer;

interface Row {
  id: string;
  key: string;
  tier: Tier;
  eligible: boolean;
}
const overview = async () => (await getJson<{ rows: Row[] }>("/api/dashboard/overview", "admin@demo.local")).rows;

/** The page's text as a person reads it (tags and React's text separators dropped). */
const visibleText = (html: string) =>
  html
    .replace(/<!-- -->/g, "")
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

/** Everything a person who has not reviewed this open request can read about it. */
async function whatTheySee(email: string, requestId: string) {
  const list = await getJson<{ rows: Array<Record<string, unknown>> }>(`/api/dashboard/requests?status=open`, email);
  const all = await getJson<{ rows: Array<Record<string, unknown>> }>(`/api/dashboard/requests?status=all`, email);
  const detail = await getJson<{ request: Record<string, unknown> }>(`/api/dashboard/requests/${requestId}`, email);
  const verify = await getJson<Record<string, unknown>>(`/api/dashboard/audit/verify`, email);
  return {
    listRow: list.rows.find((r) => r.id === requestId),
    allRow: all.rows.find((r) => r.id === requestId),
    detail: detail.request,
    verify: {
      checked: verify.checked,
      lastSeq: verify.lastSeq,
      checkpoints: verify.checkpoints,
      sealed: verify.sealed,
    },
  };
}

describe("item 2: blind review covers counts (rule 3)", () => {
  it("no count, tally, stub or entry count of an open request's reviews reaches a reviewer or an admin who has not reviewed it", async () => {
    const refund = (await overview()).find((r) => r.key === "refund.issue")!;
    const open = await getJson<{ rows: Array<{ id: string; status: string; requesterId: string }> }>(
      `/api/dashboard/requests?status=open&action=${refund.id}`,
      "reviewer1@demo.local",
    );
    const requestId = open.rows[0]!.id;
    const observers = ["reviewer2@demo.local", "admin@demo.local", "viewer@demo.local"];
    for (const o of observers) await as(o); // their sign-ins are audited: done before the first look
    const before = new Map<string, Awaited<ReturnType<typeof whatTheySee>>>();
    for (const o of observers) before.set(o, await whatTheySee(o, requestId));
    const exportBefore = JSON.parse(
      await (await get(`/api/dashboard/audit/export?format=json`, "admin@demo.local")).text(),
    ) as Array<{ sealed?: boolean }>;

    const page = await getJson<{ request: { snapshotHash: string } }>(
      `/api/dashboard/requests/${requestId}`,
      "reviewer1@demo.local",
    );
    expect(
      await act("reviewer1@demo.local", "reviewAction", {
        requestId,
        decision: "approve",
        rationale: RATIONALE,
        snapshotHash: page.request.snapshotHash,
      }),
    ).toMatchObject({ ok: true, data: { status: "open" } });
    await new Promise((r) => setTimeout(r, 2500)); // a checkpoint job run or two

    for (const o of observers) {
      const after = await whatTheySee(o, requestId);
      expect(after.listRow, `${o}: the request list`).toEqual(before.get(o)!.listRow);
      expect(after.allRow, `${o}: the request list (all)`).toEqual(before.get(o)!.allRow);
      expect(after.detail, `${o}: the request detail`).toEqual(before.get(o)!.detail);
      expect(after.verify, `${o}: the audit verification`).toEqual(before.get(o)!.verify);
      const html = visibleText(await (await get(`/requests/${requestId}`, o)).text());
      expect(html, `${o}: the request page`).toMatch(/review is pending/i);
      expect(html).not.toMatch(/\d+ of \d+ approvals/);
      expect(html).not.toMatch(/review\(s\) so far/);
      const listHtml = visibleText(await (await get(`/requests?status=open`, o)).text());
      expect(listHtml, `${o}: the requests page`).not.toMatch(/\b1 \/ \d\b/);
    }
    const exportAfter = JSON.parse(
      await (await get(`/api/dashboard/audit/export?format=json`, "admin@demo.local")).text(),
    ) as Array<{ sealed?: boolean }>;
    expect(exportAfter.filter((r) => r.sealed)).toHaveLength(0);
    expect(exportAfter.length).toBe(exportBefore.length);

    // The reviewer who has reviewed sees the tally; so does everyone once the request closes.
    const mine = await getJson<{ request: { tally: { approvals: number } } }>(
      `/api/dashboard/requests/${requestId}`,
      "reviewer1@demo.local",
    );
    expect(mine.request.tally.approvals).toBe(1);
  });
});

describe("item 3: no sockpuppets (rule 10)", () => {
  it("an admin cannot choose a new account's password, so admin + that account cannot meet a 2-reviewer quorum", async () => {
    const rows = await overview();
    const open = await getJson<{ rows: Array<{ actionTypeId: string }> }>(
      `/api/dashboard/requests?status=open`,
      "admin@demo.local",
    );
    const target = rows.find((r) => r.eligible && !open.rows.some((o) => o.actionTypeId === r.id))!;
    expect(target, "an eligible action type without an open request").toBeTruthy();
    const opened = await act("viewer@demo.local", "openRequestAction", {
      actionTypeId: target.id,
      kind: "promotion",
      justification: "The bar is cleared; please review the promotion.",
    });
    expect(opened).toMatchObject({ ok: true });
    const { id: requestId, snapshotHash } = (opened as unknown as { data: { id: string; snapshotHash: string } }).data;

    const password = "sock-puppet-password-1";
    const created = await act("admin@demo.local", "createUserAction", {
      email: "new.admin@evil.example",
      name: "A new admin account",
      role: "admin",
      password,
    });
    const grantId = created.ok ? (created.data.grantId as string | null) : null;
    if (grantId)
      await act("reviewer1@demo.local", "decideRoleGrantAction", {
        grantId,
        decision: "approve",
        rationale: "A new admin account for the operations team, as agreed.",
      });
    const sock = await signInCookie(server.baseUrl, "new.admin@evil.example", password).catch(() => null);
    if (sock) {
      const review = { requestId, decision: "approve", rationale: RATIONALE, snapshotHash };
      await callAction(server.baseUrl, sock, "reviewAction", review);
      await act("admin@demo.local", "reviewAction", review);
    }
    expect((await overview()).find((r) => r.id === target.id)!.tier, "promoted by the admin alone").toBe(target.tier);
    expect(sock, "the admin knows the new account's password").toBeNull();
  });

  it("a new account is an invitation: shown once, single use, the invitee sets the password; a grant cannot be approved before it is accepted", async () => {
    const created = await act("admin@demo.local", "createUserAction", {
      email: "invited.reviewer@demo.local",
      name: "Invited Reviewer",
      role: "reviewer",
    });
    expect(created).toMatchObject({ ok: true, data: { role: "viewer", pendingRole: "reviewer" } });
    const { invitationUrl, grantId } = (created as unknown as { data: { invitationUrl: string; grantId: string } })
      .data;
    expect(invitationUrl).toMatch(/\/invitation#/);
    const token = new URL(invitationUrl, server.baseUrl).hash.slice(1);
    expect(token.length).toBeGreaterThanOrEqual(40);

    // Shown once: no admin route or page shows it again.
    const users = await (await get(`/api/dashboard/admin/users`, "admin@demo.local")).text();
    expect(users).not.toContain(token);
    expect(await (await get(`/admin/users`, "admin@demo.local")).text()).not.toContain(token);

    // A grant for an account nobody has claimed yet cannot be approved.
    expect(
      await act("reviewer1@demo.local", "decideRoleGrantAction", {
        grantId,
        decision: "approve",
        rationale: "Known colleague joining the review rota this month.",
      }),
    ).toMatchObject({ ok: false, error: { code: "invitation_pending" } });

    // The invitation page is public; the invitee sets their own password with the link, once.
    expect((await fetch(`${server.baseUrl}/invitation`, { redirect: "manual" })).status).toBe(200);
    const accept = (body: unknown) => callAction(server.baseUrl, "", "acceptInvitationAction", body);
    expect((await accept({ token: "x".repeat(43), password: "my-own-secret-password" })).result).toMatchObject({
      ok: false,
      error: { code: "invitation_invalid" },
    });
    expect((await accept({ token, password: "short" })).result).toMatchObject({
      ok: false,
      error: { code: "validation_failed" },
    });
    expect((await accept({ token, password: "my-own-secret-password" })).result).toMatchObject({
      ok: true,
      data: { email: "invited.reviewer@demo.local" },
    });
    expect((await accept({ token, password: "someone-elses-password" })).result).toMatchObject({
      ok: false,
      error: { code: "invitation_invalid" },
    });
    await expect(
      signInCookie(server.baseUrl, "invited.reviewer@demo.local", "someone-elses-password"),
    ).rejects.toThrow();
    const cookie = await signInCookie(server.baseUrl, "invited.reviewer@demo.local", "my-own-secret-password");
    expect((await fetch(`${server.baseUrl}/api/dashboard/overview`, { headers: { cookie } })).status).toBe(200);

    // Accepted: now a second person may grant review power.
    expect(
      await act("reviewer1@demo.local", "decideRoleGrantAction", {
        grantId,
        decision: "approve",
        rationale: "Known colleague joining the review rota this month.",
      }),
    ).toMatchObject({ ok: true, data: { status: "approved" } });
  });
});
