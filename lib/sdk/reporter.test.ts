import { afterEach, describe, expect, it } from "vitest";
import { createReporter, type RejectedEvent, type Reporter, type ReporterOptions } from "./reporter";
import { GOOD_KEY, startTinyApi, until, type TinyApi } from "./tiny-api.testkit";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(
  options: Partial<ReporterOptions> = {},
): Promise<{ api: TinyApi; reporter: Reporter; rejected: RejectedEvent[]; errors: Error[] }> {
  const api = await startTinyApi();
  const rejected: RejectedEvent[] = [];
  const errors: Error[] = [];
  const reporter = createReporter({
    baseUrl: api.baseUrl,
    apiKey: GOOD_KEY,
    retry: { initialMs: 10, maxMs: 40 },
    onRejected: (r) => rejected.push(...r),
    onError: (e) => errors.push(e),
    ...options,
  });
  cleanups.push(() => api.stop());
  cleanups.push(() => reporter.close({ timeoutMs: 100 }));
  return { api, reporter, rejected, errors };
}

const outcome = (i: number, key?: string) => ({
  action: "ticket.tag",
  kind: "outcome.positive" as const,
  tier: "RUN" as const,
  idempotencyKey: key,
  subjectRef: `s-${i}`,
});

describe("Reporter", () => {
  it("gives each event a random UUID key once, keeps an explicit key, and defaults occurredAt", async () => {
    const { api, reporter } = await setup({ now: () => Date.parse("2026-03-01T12:00:00Z"), agentVersion: "v7" });
    const a = reporter.report(outcome(1));
    const b = reporter.report(outcome(2, "my-key"));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).toBe("my-key");
    expect(await reporter.flush()).toEqual({ pending: 0 });
    expect(api.stored).toEqual([a, "my-key"]);
    expect(reporter.stats()).toMatchObject({ accepted: 2, pending: 0, batches: 1 });
  });

  it("sends batches of at most maxBatch events, in order", async () => {
    const { api, reporter } = await setup({ maxBatch: 1000 });
    const keys = Array.from({ length: 2500 }, (_, i) => reporter.report(outcome(i, `k-${i}`)));
    await reporter.flush();
    expect(api.eventRequests.map((r) => r.length)).toEqual([1000, 1000, 500]);
    expect(api.stored).toEqual(keys);
  });

  // The bounds below only detect a flush that never comes, generous because CI runners are loaded.
  it("flushes on its own after flushIntervalMs", async () => {
    const { api, reporter } = await setup({ maxBatch: 3, flushIntervalMs: 400 });
    const started = Date.now();
    reporter.report(outcome(1));
    expect(api.eventRequests).toHaveLength(0);
    await until(() => api.stored.length === 1, "timed flush");
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it("flushes at once when a batch is full, not at the interval", async () => {
    // An interval longer than the wait: only a full batch can trigger this flush.
    const { api, reporter } = await setup({ maxBatch: 3, flushIntervalMs: 600_000 });
    for (let i = 0; i < 3; i++) reporter.report(outcome(i + 10));
    await until(() => api.stored.length === 3, "size-triggered flush");
  });

  it("retries network errors and 5xx with the same idempotency keys: each event is stored once", async () => {
    const { api, reporter, errors } = await setup();
    api.eventFailures.push("reset", { status: 503 }, "store-then-reset", { status: 500 });
    const keys = Array.from({ length: 5 }, (_, i) => reporter.report(outcome(i)));
    const first = await reporter.flush();
    expect(first.pending).toBe(5);
    await until(() => reporter.pending === 0, "delivery after retries");
    expect(api.eventRequests).toHaveLength(5);
    for (const r of api.eventRequests) expect(r).toEqual(keys); // every retry carried the very same keys
    expect(api.stored).toEqual(keys); // stored once, although one answer was lost after storing
    expect(reporter.stats()).toMatchObject({ accepted: 0, duplicates: 5, retries: 4, rejected: 0 });
    expect(errors).toHaveLength(4);
  });

  it("honours Retry-After on 429", async () => {
    const { api, reporter } = await setup();
    api.eventFailures.push({ status: 429, retryAfter: "1" });
    reporter.report(outcome(1));
    const started = Date.now();
    await reporter.flush();
    // An explicit flush does not jump a server's Retry-After either.
    await reporter.flush();
    expect(api.eventRequests).toHaveLength(1);
    await until(() => reporter.pending === 0, "retry after 1 s");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.eventRequests).toHaveLength(2);
  });

  it("hands events the server rejects to onRejected and never retries them", async () => {
    const { api, reporter, rejected } = await setup();
    api.rejectEvent = (e) => (e.idempotencyKey.startsWith("bad") ? "unknown_action" : null);
    reporter.report(outcome(1, "good-1"));
    reporter.report(outcome(2, "bad-1"));
    reporter.report(outcome(3, "good-2"));
    await reporter.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(api.eventRequests).toHaveLength(1);
    expect(rejected).toEqual([
      expect.objectContaining({
        reason: "unknown_action",
        event: expect.objectContaining({ idempotencyKey: "bad-1" }),
      }),
    ]);
    expect(reporter.stats()).toMatchObject({ accepted: 2, rejected: 1, pending: 0 });
  });

  it("hands a batch refused as a whole (401) to onRejected instead of retrying it forever", async () => {
    const { api, reporter, rejected } = await setup();
    api.validKeys.clear();
    reporter.report(outcome(1, "k1"));
    await reporter.flush();
    expect(reporter.pending).toBe(0);
    expect(rejected).toEqual([expect.objectContaining({ reason: "unauthenticated", status: 401 })]);
  });

  it("halves a batch the server finds too large (413), and rejects a single event that still is", async () => {
    const { api, reporter, rejected } = await setup();
    api.maxBody = 20_000;
    const keys = Array.from({ length: 100 }, (_, i) =>
      reporter.report({ ...outcome(i, `k-${i}`), metadata: { pad: "x".repeat(300) } }),
    );
    reporter.report({ ...outcome(0, "huge"), metadata: { pad: "x".repeat(30_000) } });
    await reporter.flush();
    expect(api.stored).toEqual(keys);
    expect(rejected.map((r) => r.event.idempotencyKey)).toEqual(["huge"]);
    expect(rejected[0]!.status).toBe(413);
  });

  it("close() keeps retrying until its deadline, then returns what it could not send", async () => {
    const { api, reporter, rejected } = await setup();
    await api.stop();
    reporter.report(outcome(1, "lost-1"));
    const { unsent } = await reporter.close({ timeoutMs: 200 });
    expect(unsent.map((e) => e.idempotencyKey)).toEqual(["lost-1"]);
    expect(rejected).toEqual([expect.objectContaining({ reason: "closed" })]);
    expect(() => reporter.report(outcome(2))).toThrow(/closed/);
  });

  it("close() sends what is queued and leaves no timers behind", async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const { api, reporter } = await setup({ flushIntervalMs: 60_000 });
    reporter.report(outcome(1, "a"));
    reporter.report(outcome(2, "b"));
    expect(await reporter.close()).toEqual({ unsent: [] });
    expect(api.stored).toEqual(["a", "b"]);
    await new Promise((r) => setTimeout(r, 20));
    expect(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length).toBeLessThanOrEqual(before);
  });

  it("drops the oldest unsent event beyond maxQueue and says so", async () => {
    const { api, reporter, rejected } = await setup({ maxQueue: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) reporter.report(outcome(i, `q-${i}`));
    expect(rejected.map((r) => [r.event.idempotencyKey, r.reason])).toEqual([
      ["q-0", "queue_full"],
      ["q-1", "queue_full"],
    ]);
    await reporter.flush();
    expect(api.stored).toEqual(["q-2", "q-3", "q-4"]);
  });
});
