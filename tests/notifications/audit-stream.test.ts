// Issue 24 item 6: a SIEM follows the audit log. An endpoint subscribed to `audit.entry` receives
// every entry, in seq order, in signed batches that name the seq before them, so a gap is visible;
// a failed batch is retried as the same message and nothing is skipped; entries past the seal horizon
// wait until the open requests close; admins see how far behind the stream is.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { appendAudit, SYSTEM_ACTOR } from "@/lib/audit/mutations";
import { openPromotionRequest, reviewRequest } from "@/lib/requests/mutations";
import { createWebhookEndpoint } from "@/lib/notifications/mutations";
import { deliverAuditStreams as deliverDue } from "@/lib/notifications/audit-stream";
import { listWebhookEndpoints } from "@/lib/notifications/data";
import { AppError } from "@/lib/errors";
import { feed, newSubject, openWorld, RATIONALE, type World } from "../governance/world";
import { receiver, type Receiver } from "./receiver";
import { DAY_MS as DAY } from "@cwr/gating/types";

let w: World;
let hook: Receiver;

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE = "1";
  w = await openWorld();
  hook = await receiver();
  await hook.up();
});
afterEach(async () => {
  await w.db.webhookEndpoint.updateMany({ data: { enabled: false } });
  hook.received.length = 0;
  hook.status = 200;
});
afterAll(async () => {
  await hook.down();
  await w.database.close();
});

interface StreamedEntry {
  seq: string;
  kind: string;
  hash: string;
  prevHash: string;
}
interface Batch {
  type: string;
  data: { previousSeq: string; fromSeq: string; toSeq: string; entries: StreamedEntry[] };
}

const batches = (): Batch[] => hook.received.map((r) => JSON.parse(r.body) as Batch);
const streamedSeqs = () => batches().flatMap((b) => b.data.entries.map((e) => Number(e.seq)));
const lastSeq = async () => Number((await w.db.auditEntry.aggregate({ _max: { seq: true } }))._max.seq ?? 0n);

async function subscribe(now: Date) {
  return createWebhookEndpoint(
    w.db,
    SYSTEM_ACTOR,
    { name: "siem", url: hook.url, kinds: ["audit.entry"], format: "standard" },
    now,
  );
}

async function noise(n: number, now: Date) {
  for (let i = 0; i < n; i++)
    await w.db.$transaction((tx) =>
      appendAudit(
        tx,
        { actor: SYSTEM_ACTOR, kind: "user.enabled", entityType: "user", entityId: `n${i}`, data: { i } },
        now,
      ),
    );
}

describe("the audit log streamed to a SIEM (audit.entry)", () => {
  it("delivers every entry from the first, in order, in signed batches that chain by seq", async () => {
    const now = new Date();
    const endpoint = await subscribe(now);
    await noise(30, now);
    await deliverDue(w.db, now);
    await noise(5, now);
    await deliverDue(w.db, now);

    const all = await lastSeq();
    expect(streamedSeqs()).toEqual(Array.from({ length: all }, (_, i) => i + 1));
    const list = batches();
    expect(list.every((b) => b.type === "audit.entry")).toBe(true);
    expect(list.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < list.length; i++) {
      const b = list[i]!.data;
      expect(b.previousSeq).toBe(i === 0 ? "0" : list[i - 1]!.data.toSeq);
      expect(b.fromSeq).toBe(b.entries[0]!.seq);
      expect(b.toSeq).toBe(b.entries.at(-1)!.seq);
    }
    // The entries carry their chain: each prevHash is the hash before it.
    const entries = list.flatMap((b) => b.data.entries);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    // Signed as every webhook is, verified by an independent Standard Webhooks implementation.
    const verifier = new Webhook(endpoint.secret);
    for (const r of hook.received)
      expect(() =>
        verifier.verify(r.body, {
          "webhook-id": r.id,
          "webhook-timestamp": r.timestamp,
          "webhook-signature": r.signature,
        }),
      ).not.toThrow();

    const row = (await listWebhookEndpoints(w.db)).find((e) => e.id === endpoint.id)!;
    expect(row.auditStream).toMatchObject({ deliveredSeq: String(all), behind: 0 });
  });

  it("retries a refused batch as the same message, and skips nothing", async () => {
    const now = new Date();
    const endpoint = await subscribe(now);
    await deliverDue(w.db, now); // catch up with the earlier entries
    hook.received.length = 0;
    await noise(3, now);
    const from = (await lastSeq()) - 2;

    hook.status = 503;
    await deliverDue(w.db, now);
    expect(hook.received).toHaveLength(1);
    const failed = hook.received[0]!;
    const behind = (await listWebhookEndpoints(w.db)).find((e) => e.id === endpoint.id)!.auditStream!;
    expect(behind.behind).toBeGreaterThanOrEqual(3);
    expect(behind.lastError).toMatch(/503/);

    await noise(2, now); // more entries arrive while the receiver is away
    hook.status = 200;
    const later = new Date(now.getTime() + DAY);
    await deliverDue(w.db, later);
    const [retry, ...rest] = hook.received.slice(1);
    expect(retry!.id).toBe(failed.id);
    expect(retry!.body).toBe(failed.body);
    const seqs = [retry!, ...rest].flatMap((r) => (JSON.parse(r.body) as Batch).data.entries.map((e) => Number(e.seq)));
    expect(seqs).toEqual(Array.from({ length: (await lastSeq()) - from + 1 }, (_, i) => from + i));
  });

  it("holds entries past the seal horizon while a request is open", async () => {
    const now = new Date();
    await subscribe(now);
    await deliverDue(w.db, now);
    hook.received.length = 0;

    const s = await newSubject(w.db, "low", new Date(now.getTime() - 30 * DAY));
    await feed(w.db, s, "CRAWL", 60, 60, now);
    const before = await lastSeq();
    const req = await openPromotionRequest(
      w.db,
      w.people.engineer,
      { actionTypeId: s.id, kind: "promotion", justification: "Ready." },
      now,
    );
    await noise(3, now); // later entries, past the horizon while the request is open
    await deliverDue(w.db, now);
    const horizon = before + 1; // the request's opening entry
    expect(Math.max(0, ...streamedSeqs())).toBeLessThanOrEqual(horizon);
    expect(streamedSeqs()).not.toContain(await lastSeq());

    // Once the request closes, the rest follows, in order and without a gap.
    await reviewRequest(w.db, w.people.reviewer1, { requestId: req.id, decision: "reject", rationale: RATIONALE }, now);
    await deliverDue(w.db, now);
    const seqs = streamedSeqs();
    expect(seqs.at(-1)).toBe(await lastSeq());
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it("refuses audit.entry on a Slack endpoint (a Slack message cannot carry a batch)", async () => {
    await expect(
      createWebhookEndpoint(w.db, SYSTEM_ACTOR, { name: "s", url: hook.url, kinds: ["audit.entry"], format: "slack" }),
    ).rejects.toBeInstanceOf(Error);
    const error = await createWebhookEndpoint(w.db, SYSTEM_ACTOR, {
      name: "s",
      url: hook.url,
      kinds: ["audit.entry"],
      format: "slack",
    }).catch((e: unknown) => e);
    expect(error instanceof AppError || (error as { name?: string }).name === "ZodError").toBe(true);
  });
});
