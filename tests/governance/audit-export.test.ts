// The audit export as an auditor opens it in a spreadsheet (issue 25, "Deliver" 5): names beside the
// ids, a one-line summary and the rationale as text, quoted so commas, quotes and newlines stay in
// their cell and a cell never runs as a formula; sign-ins kept out unless asked for; the filter holds.
import { AUDIT_CSV_HEADER, parseCsv } from "@/tests/helpers/csv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iterateAudit } from "@/lib/audit/data";
import { exportStream } from "@/lib/audit/export";
import { auditQuerySchema, toAuditFilter } from "@/lib/audit/schema";
import { createAgent } from "@/lib/agents/mutations";
import { currentPolicy } from "@/lib/policies/data";
import { editPolicy } from "@/lib/policies/mutations";
import { recordLogin } from "@/lib/users/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { makeActionType } from "../helpers/fixtures";
import { NOW, daysAgo, feed, openWorld, type Subject, type World } from "./world";

let w: World;
let support: Subject;
let other: Subject;
const AGENT_NAME = 'Support, "the" bot';
/** A reason an attacker would write: a formula, a comma, quotes and a second line. */
const REASON = '=HYPERLINK("http://evil.example","Click"), tightening "before" launch\nsecond line of the reason';

const MACHINE = AUDIT_CSV_HEADER.slice(0, 12);
const READABLE = AUDIT_CSV_HEADER.slice(12);

async function exportOf(q: Record<string, string>, format: "csv" | "json" = "csv") {
  return new Response(exportStream(iterateAudit(w.db, toAuditFilter(auditQuerySchema.parse(q))), format)).text();
}

async function csvOf(q: Record<string, string>) {
  const [header, ...rows] = parseCsv(await exportOf(q));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])) as Record<string, string>);
}

beforeAll(async () => {
  w = await openWorld();
  const slug = "support-bot-export";
  const agent = await createAgent(
    w.db,
    SYSTEM_ACTOR,
    { slug, name: AGENT_NAME, owner: "tests", description: "" },
    daysAgo(30),
  );
  const at = await makeActionType(w.db, agent.id, "low", daysAgo(30), "refund.issue");
  support = { agent: { id: agent.id, slug }, id: at.id, key: at.key };
  await feed(w.db, support, "CRAWL", 20, 20);
  const agent2 = await createAgent(
    w.db,
    SYSTEM_ACTOR,
    { slug: "other-bot", name: "Other", owner: "t", description: "" },
    daysAgo(30),
  );
  const at2 = await makeActionType(w.db, agent2.id, "low", daysAgo(30), "email.send");
  other = { agent: { id: agent2.id, slug: "other-bot" }, id: at2.id, key: at2.key };
  const rules = structuredClone((await currentPolicy(w.db, support.id)).rules);
  rules.tiers.CRAWL.promotion!.threshold = Math.min(0.99, rules.tiers.CRAWL.promotion!.threshold + 0.02);
  await editPolicy(w.db, w.people.admin, { actionTypeId: support.id, rules, reason: REASON }, NOW);
  await recordLogin(w.db, w.people.auditor.id, "credentials", NOW);
});
afterAll(() => w.database.close());

describe("audit export for people", () => {
  it("keeps the machine columns and adds readable ones after them", async () => {
    const [header] = parseCsv(await exportOf({}));
    expect(header).toEqual([...MACHINE, ...READABLE]);
  });

  it("names the agent, the action type and the actor, sums the entry up in a line and gives the rationale as text", async () => {
    const rows = await csvOf({ kind: "policy.version_created", actionType: support.id });
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r).toMatchObject({
      agentSlug: support.agent.slug,
      agentName: AGENT_NAME,
      actionKey: "refund.issue",
      actorName: `${w.people.admin.name} <${w.people.admin.email}>`,
      actionTypeId: support.id,
    });
    expect(r.actionName).toBeTruthy();
    expect(r.summary).toMatch(/^Policy version 2 for .*\(refund\.issue\) of support-bot-export/);
    // The formula is defused with a leading quote; commas, quotes and the line break stay in the cell.
    expect(r.rationale).toBe(`'${REASON}`);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("an agent's own entries name it as the actor", async () => {
    const [r] = await csvOf({ kind: "events.ingested", agent: support.agent.id });
    expect(r!.actorName).toBe(`${AGENT_NAME} (${support.agent.slug})`);
    expect(r!.summary).toMatch(/reported 20 outcomes/);
  });

  it("no cell starts with a formula character, whatever the entry", async () => {
    for (const r of await csvOf({ signins: "include", ingestion: "include" }))
      for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("leaves sign-ins out when told (the page's default), shows only them on request", async () => {
    const hidden = await csvOf({ signins: "hide" });
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.some((r) => r.kind === "user.login")).toBe(false);
    const only = await csvOf({ signins: "only" });
    expect(only.map((r) => r.kind)).toEqual(["user.login"]);
    expect(only[0]!.actorName).toBe(`${w.people.auditor.name} <${w.people.auditor.email}>`);
    expect((await csvOf({ signins: "include" })).some((r) => r.kind === "user.login")).toBe(true);
  });

  it("follows the filter: an agent's export names only that agent", async () => {
    const rows = await csvOf({ agent: other.agent.id, ingestion: "include" });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.agentSlug === "other-bot")).toBe(true);
  });

  it("the JSON export carries the same readable fields", async () => {
    const rows = JSON.parse(await exportOf({ kind: "policy.version_created" }, "json")) as Array<
      Record<string, unknown>
    >;
    expect(rows[0]).toMatchObject({ agentSlug: support.agent.slug, actionKey: "refund.issue", rationale: REASON });
    expect(rows[0]!.summary).toMatch(/^Policy version 2/);
  });
});
