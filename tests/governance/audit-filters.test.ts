// The audit log as an auditor filters it: conditions combine (agent + kind finds the agent's policy
// changes, whose entries name only the action type), ingestion stays out of the way unless asked
// for, and every row says by name which agent and action type it is about, in one line, with a link.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/lib/audit/data";
import { auditQuerySchema, toAuditFilter } from "@/lib/audit/schema";
import { editPolicy } from "@/lib/policies/mutations";
import { currentPolicy } from "@/lib/policies/data";
import { NOW, eligibleCrawl, newSubject, openWorld, type Subject, type World } from "./world";

let w: World;
let sales: Subject;
let other: Subject;

beforeAll(async () => {
  w = await openWorld();
  sales = await eligibleCrawl(w.db);
  other = await newSubject(w.db);
  for (const s of [sales, other]) {
    const live = await currentPolicy(w.db, s.id);
    const rules = structuredClone(live.rules);
    const promotion = rules.tiers.CRAWL.promotion!;
    promotion.threshold = Math.min(0.99, promotion.threshold + 0.02);
    await editPolicy(
      w.db,
      w.people.admin,
      { actionTypeId: s.id, rules, reason: "Raise the bar before launch; tightening." },
      NOW,
    );
  }
});
afterAll(() => w.database.close());

const list = (q: Record<string, string>) => listAudit(w.db, toAuditFilter(auditQuerySchema.parse(q)));

describe("audit filters", () => {
  it("agent + policy kinds finds that agent's policy changes, and only those", async () => {
    const { rows } = await list({ agent: sales.agent.id, kind: "policy." });
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({
      kind: "policy.version_created",
      actionTypeId: sales.id,
      agent: { slug: sales.agent.slug },
      actionType: { key: sales.key },
    });
    expect(rows[0]!.path).toBe(`/action-types/${sales.id}/policy`);
    expect(rows[0]!.summary).toContain(`Policy version 2 for ${sales.key} (${sales.key}) of ${sales.agent.slug}`);
  });

  it("agent alone covers entries that name only its action types (requests, policies) as well as its own", async () => {
    const { rows } = await list({ agent: sales.agent.id, ingestion: "include" });
    const kinds = new Set(rows.map((r) => r.kind));
    for (const k of ["agent.created", "action_type.created", "policy.version_created", "events.ingested"])
      expect(kinds).toContain(k);
    expect(rows.every((r) => r.agent?.slug === sales.agent.slug)).toBe(true);
  });

  it("keeps ingestion out when asked (the page's default), shows only it on request, and shows it when the kind names it", async () => {
    const hidden = await list({ agent: sales.agent.id, ingestion: "hide" });
    expect(hidden.rows.some((r) => r.kind === "events.ingested")).toBe(false);
    expect(hidden.rows.length).toBeGreaterThan(0);
    const only = await list({ ingestion: "only" });
    expect(only.rows.length).toBeGreaterThan(0);
    expect(only.rows.every((r) => r.kind === "events.ingested")).toBe(true);
    const named = await list({ kind: "events.ingested", ingestion: "hide" });
    expect(named.rows.length).toBe(only.rows.length);
    expect(named.rows[0]!.summary).toMatch(/reported 60 outcomes/);
  });

  it("every condition narrows: agent + action type of another agent finds nothing", async () => {
    expect((await list({ agent: sales.agent.id, actionType: other.id, ingestion: "include" })).rows).toHaveLength(0);
    expect((await list({ actionType: other.id, kind: "policy." })).rows).toHaveLength(1);
  });
});
