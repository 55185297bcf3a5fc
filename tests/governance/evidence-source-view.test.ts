// Evidence by source where people read it (issue 22 item 4, SPEC §8): the action type page's read
// model says the stay's outcomes per source in words, naming reporter keys, and says when the current
// tier's promotion counts only attested outcomes. The policy editor's `evidence` field through the real
// mutations: attested → any is a loosening (review), any → attested applies at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionTypeDetail } from "@/lib/action-types/detail";
import { ingestEvents } from "@/lib/events/mutations";
import { createApiKey, revokeApiKey } from "@/lib/keys/mutations";
import { SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { editPolicy } from "@/lib/policies/mutations";
import { currentPolicy } from "@/lib/policies/data";
import type { PolicyRules } from "@cwr/gating/types";
import { forcePolicyVersion, outcomes } from "../helpers/fixtures";
import { daysAgo, feed, newSubject, NOW, openWorld, type World } from "./world";

let w: World;
beforeAll(async () => {
  w = await openWorld();
});
afterAll(async () => {
  await w?.database.close();
});

const REASON = "Evidence must come from the helpdesk, not the bot itself.";

function withCrawlEvidence(rules: PolicyRules, evidence: "any" | "attested"): PolicyRules {
  return { ...rules, tiers: { ...rules.tiers, CRAWL: { ...rules.tiers.CRAWL, evidence } } };
}

describe("the action type page's evidence by source", () => {
  it("says the stay's outcomes per source in words, naming the reporter key", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    const helpdesk = await createApiKey(w.db, SYSTEM_ACTOR, {
      agentId: s.agent.id,
      name: "helpdesk",
      scope: "reporter",
    });
    const reported = outcomes(s.key, "CRAWL", 1100, 1000, daysAgo(2));
    for (const batch of [reported.slice(0, 550), reported.slice(550)])
      await ingestEvents(w.db, { ...s.agent, source: `reporter:${helpdesk.id}` }, batch, daysAgo(2));
    await feed(w.db, s, "CRAWL", 3, 3, daysAgo(1));
    const detail = (await actionTypeDetail(w.db, s.id, NOW))!;
    expect(detail.evidenceBySource.words).toBe(
      "1,103 outcomes: 1,100 reported by helpdesk, 0 decided by people, 3 self-reported",
    );
    expect(detail.evidenceBySource.attested).toBeNull();
  });

  it("adds up a system of record's rotated keys under its one name", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    const old = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "helpdesk", scope: "reporter" });
    await ingestEvents(w.db, { ...s.agent, source: `reporter:${old.id}` }, outcomes(s.key, "CRAWL", 4, 4, daysAgo(3)));
    await revokeApiKey(w.db, SYSTEM_ACTOR, { keyId: old.id });
    const now = await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "helpdesk", scope: "reporter" });
    await ingestEvents(w.db, { ...s.agent, source: `reporter:${now.id}` }, outcomes(s.key, "CRAWL", 5, 5, daysAgo(2)));
    const detail = (await actionTypeDetail(w.db, s.id, NOW))!;
    expect(detail.evidenceBySource.words).toBe(
      "9 outcomes: 9 reported by helpdesk, 0 decided by people, 0 self-reported",
    );
  });

  it("says when the current tier is attested, naming who counts", async () => {
    const s = await newSubject(w.db, "low", daysAgo(30));
    await createApiKey(w.db, SYSTEM_ACTOR, { agentId: s.agent.id, name: "helpdesk", scope: "reporter" });
    const rules = (await currentPolicy(w.db, s.id)).rules;
    await forcePolicyVersion(w.db, s.id, withCrawlEvidence(rules, "attested"), REASON, daysAgo(10));
    const detail = (await actionTypeDetail(w.db, s.id, NOW))!;
    expect(detail.evidenceBySource.words).toBe(
      "0 outcomes: 0 reported by helpdesk, 0 decided by people, 0 self-reported",
    );
    expect(detail.evidenceBySource.attested).toBe(
      "Only outcomes reported by helpdesk or decided by people count for promotion out of CRAWL.",
    );
  });
});

describe("the policy's evidence field through the real mutations", () => {
  it("any → attested applies at once (a tightening)", async () => {
    const s = await newSubject(w.db);
    const before = await currentPolicy(w.db, s.id);
    const res = await editPolicy(w.db, w.people.admin, {
      actionTypeId: s.id,
      rules: withCrawlEvidence(before.rules, "attested"),
      reason: REASON,
      basedOnVersion: before.version,
    });
    expect(res.outcome).toBe("applied");
    expect(res.changes).toEqual([{ path: "tiers.CRAWL.evidence", from: "any", to: "attested", direction: "tighten" }]);
    expect((await currentPolicy(w.db, s.id)).rules.tiers.CRAWL.evidence).toBe("attested");
  });

  it("attested → any is a loosening: a review request, and the policy is unchanged until approved", async () => {
    const s = await newSubject(w.db);
    const start = await currentPolicy(w.db, s.id);
    await forcePolicyVersion(w.db, s.id, withCrawlEvidence(start.rules, "attested"), REASON, daysAgo(1));
    const before = await currentPolicy(w.db, s.id);
    const res = await editPolicy(w.db, w.people.admin, {
      actionTypeId: s.id,
      rules: withCrawlEvidence(before.rules, "any"),
      reason: "The helpdesk integration is down for a month; count the bot's reports again.",
      basedOnVersion: before.version,
    });
    expect(res.outcome).toBe("review");
    expect(res.changes).toEqual([{ path: "tiers.CRAWL.evidence", from: "attested", to: "any", direction: "loosen" }]);
    const after = await currentPolicy(w.db, s.id);
    expect(after.version).toBe(before.version);
    expect(after.rules.tiers.CRAWL.evidence).toBe("attested");
  });
});
