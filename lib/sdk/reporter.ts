// Outcome reporting: a queue of events flushed to POST /api/v1/events in batches, retried with
// backoff on network errors, 5xx and 429 (Retry-After honoured). Every event gets its idempotency key
// once, when it is queued, and is sent byte-for-byte the same on every retry, so the server stores it
// exactly once however often the answer is lost. Events the server rejects are handed to a callback
// and never retried.
import { apiError, backoffDelay, CwrApiError, errorMessage, joinUrl, timeoutSignal, type FetchLike } from "./http";
import type { EventKind, EventsResponse, OutcomeEvent, Severity, Tier } from "./types";

/** What `report()` takes: an outcome event whose key and time may be left to the reporter. */
export interface ReportInput {
  action: string;
  kind: EventKind;
  tier: Tier;
  /** generated (random UUID) when absent; pass your own to make re-reporting the same outcome idempotent */
  idempotencyKey?: string;
  /** defaults to the time of the report() call */
  occurredAt?: Date | string;
  severity?: Severity;
  agentVersion?: string;
  subjectRef?: string;
  metadata?: Record<string, unknown>;
  /** action.reverted only: the idempotencyKey of the action.completed it reverts */
  reverts?: string;
}

export interface RejectedEvent {
  event: OutcomeEvent;
  /** the server's per-event reason (`invalid`, `unknown_action`, …), an HTTP error code, or a local one
   * (`too_large`, `queue_full`, `closed`) */
  reason: string;
  details?: unknown;
  /** HTTP status when the whole batch was refused */
  status?: number;
}

export interface ReporterStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** dropped locally: queue overflow, too large, unsent at close */
  dropped: number;
  /** failed attempts that were (or will be) retried */
  retries: number;
  pending: number;
  batches: number;
}

export interface ReporterOptions {
  baseUrl: string;
  apiKey: string;
  fetch?: FetchLike;
  /** clock for default occurredAt and backoff deadlines (ms since epoch) */
  now?: () => number;
  /** events per request, 1…1000 (default 500) */
  maxBatch?: number;
  /** bytes per request body (default 900 000; the server takes at most 1 MiB) */
  maxBatchBytes?: number;
  /** a queued event waits at most this long before it is sent (default 1000 ms) */
  flushIntervalMs?: number;
  /** events held in memory; beyond it the oldest unsent are dropped and reported (default 100 000) */
  maxQueue?: number;
  retry?: { initialMs?: number; maxMs?: number };
  /** per request (default 30 000 ms) */
  timeoutMs?: number;
  /** agentVersion of events that carry none */
  agentVersion?: string;
  /** events the server (or the reporter) will never store: surfaced once, never retried */
  onRejected?: (rejected: RejectedEvent[]) => void;
  /** a failed attempt; the batch stays queued and is retried after `retryInMs` */
  onError?: (error: Error, info: { retryInMs: number; pending: number }) => void;
  /** an acknowledged batch */
  onBatch?: (summary: EventsResponse) => void;
}

export interface FlushResult {
  /** events still queued (a failed attempt leaves them for the background retry) */
  pending: number;
}

export interface CloseResult {
  /** events that could not be sent before the deadline; also passed to onRejected with reason `closed` */
  unsent: OutcomeEvent[];
}

interface Entry {
  event: OutcomeEvent;
  json: string;
}

const MAX_BATCH = 1000;

export class Reporter {
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueue: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly timeoutMs: number;
  private readonly url: string;

  private queue: Entry[] = [];
  /** entries at the head of the queue that are in a request right now */
  private sending = 0;
  private inFlight: Promise<void> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  /** no automatic attempt before this time (backoff) */
  private backoffUntil = 0;
  /** no attempt at all before this time (the server's Retry-After) */
  private retryAfterUntil = 0;
  /** a 413 halves the next batch until one gets through */
  private batchCap: number;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly counters = { accepted: 0, duplicates: 0, rejected: 0, dropped: 0, retries: 0, batches: 0 };

  constructor(private readonly options: ReporterOptions) {
    if (!options.baseUrl) throw new TypeError("baseUrl is required");
    if (!options.apiKey) throw new TypeError("apiKey is required");
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.maxBatch = Math.max(1, Math.min(MAX_BATCH, Math.floor(options.maxBatch ?? 500)));
    this.maxBatchBytes = Math.max(1024, options.maxBatchBytes ?? 900_000);
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 1000);
    this.maxQueue = Math.max(1, options.maxQueue ?? 100_000);
    this.retryInitialMs = Math.max(1, options.retry?.initialMs ?? 500);
    this.retryMaxMs = Math.max(this.retryInitialMs, options.retry?.maxMs ?? 30_000);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.url = joinUrl(options.baseUrl, "/api/v1/events");
    this.batchCap = this.maxBatch;
  }

  /** Queues an outcome event; returns its idempotency key. Never blocks, never throws on the network. */
  report(input: ReportInput): string {
    if (this.closed) throw new Error("the reporter is closed");
    const event = this.toEvent(input);
    const json = JSON.stringify(event);
    if (json.length + 16 > this.maxBatchBytes) {
      this.counters.dropped++;
      this.surface([
        { event, reason: "too_large", details: { bytes: json.length, maxBatchBytes: this.maxBatchBytes } },
      ]);
      return event.idempotencyKey;
    }
    this.queue.push({ event, json });
    if (this.queue.length > this.maxQueue) {
      // Drop the oldest event that is not in a request right now.
      const [dropped] = this.queue.splice(this.sending, 1);
      this.counters.dropped++;
      if (dropped) this.surface([{ event: dropped.event, reason: "queue_full", details: { maxQueue: this.maxQueue } }]);
    }
    this.schedule();
    return event.idempotencyKey;
  }

  /** Sends everything queued now (one pass; a failure leaves the rest to the background retry). */
  async flush(): Promise<FlushResult> {
    while (this.inFlight) await this.inFlight;
    this.clearFlushTimer();
    if (!this.closed && this.queue.length > 0) await this.run(true);
    this.schedule();
    return { pending: this.queue.length };
  }

  /**
   * Sends what is queued, retrying until `timeoutMs` (default 5000), then stops every timer and
   * request. Unsent events are returned and passed to onRejected with reason `closed`.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<CloseResult> {
    if (this.closed) return { unsent: [] };
    const deadline = this.now() + (options.timeoutMs ?? 5000);
    this.clearFlushTimer();
    this.clearRetryTimer();
    const hardStop = setTimeout(
      () => this.abort.abort(new Error("reporter closed")),
      Math.max(0, deadline - this.now()),
    );
    try {
      while (this.queue.length > 0 && this.now() < deadline) {
        while (this.inFlight) await this.inFlight;
        if (this.queue.length === 0) break;
        const wait = Math.max(this.backoffUntil, this.retryAfterUntil) - this.now();
        if (wait > 0) {
          if (this.now() + wait >= deadline) break;
          await new Promise<void>((r) => {
            const t = setTimeout(r, wait);
            this.abort.signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
          });
        }
        this.clearRetryTimer();
        await this.run(false);
      }
    } finally {
      clearTimeout(hardStop);
      this.closed = true;
      this.abort.abort(new Error("reporter closed"));
      while (this.inFlight) await this.inFlight;
      this.clearFlushTimer();
      this.clearRetryTimer();
    }
    const unsent = this.queue.map((e) => e.event);
    this.queue = [];
    if (unsent.length > 0) {
      this.counters.dropped += unsent.length;
      this.surface(unsent.map((event) => ({ event, reason: "closed" })));
    }
    return { unsent };
  }

  get pending(): number {
    return this.queue.length;
  }

  stats(): ReporterStats {
    return { ...this.counters, pending: this.queue.length };
  }

  // ---- internals ----

  private toEvent(input: ReportInput): OutcomeEvent {
    if (!input || typeof input !== "object") throw new TypeError("report() takes an event object");
    if (typeof input.action !== "string") throw new TypeError("event.action must be a string");
    if (typeof input.kind !== "string") throw new TypeError("event.kind must be a string");
    if (typeof input.tier !== "string") throw new TypeError("event.tier must be a string");
    const occurredAt =
      input.occurredAt === undefined
        ? new Date(this.now()).toISOString()
        : input.occurredAt instanceof Date
          ? input.occurredAt.toISOString()
          : String(input.occurredAt);
    const event: OutcomeEvent = {
      idempotencyKey: input.idempotencyKey ?? globalThis.crypto.randomUUID(),
      action: input.action,
      kind: input.kind,
      tier: input.tier,
      occurredAt,
    };
    if (input.severity !== undefined) event.severity = input.severity;
    const agentVersion = input.agentVersion ?? this.options.agentVersion;
    if (agentVersion !== undefined) event.agentVersion = agentVersion;
    if (input.subjectRef !== undefined) event.subjectRef = input.subjectRef;
    if (input.metadata !== undefined) event.metadata = input.metadata;
    if (input.reverts !== undefined) event.reverts = input.reverts;
    return event;
  }

  private surface(rejected: RejectedEvent[]) {
    if (rejected.length === 0 || !this.options.onRejected) return;
    try {
      this.options.onRejected(rejected);
    } catch {
      /* a throwing callback must not break delivery */
    }
  }

  private blockedUntil(ignoreBackoff: boolean): number {
    return ignoreBackoff ? this.retryAfterUntil : Math.max(this.backoffUntil, this.retryAfterUntil);
  }

  /** Decides what happens next: nothing, a send now, a flush timer, or a retry timer. */
  private schedule() {
    if (this.closed || this.inFlight || this.queue.length === 0) return;
    const blocked = this.blockedUntil(false) - this.now();
    if (blocked > 0) {
      this.clearFlushTimer();
      if (!this.retryTimer) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.kick();
        }, blocked);
      }
      return;
    }
    if (this.queue.length >= this.batchCap || this.flushIntervalMs === 0) {
      this.kick();
      return;
    }
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = null;
        this.kick();
      }, this.flushIntervalMs);
    }
  }

  private kick() {
    if (this.closed || this.inFlight) return;
    this.clearFlushTimer();
    void this.run(false).then(() => this.schedule());
  }

  /** Sends batches until the queue is empty or an attempt fails. One request at a time, in order. */
  private run(ignoreBackoff: boolean): Promise<void> {
    const p = (async () => {
      while (this.queue.length > 0 && !this.abort.signal.aborted) {
        if (this.blockedUntil(ignoreBackoff) > this.now()) return;
        if (!(await this.sendBatch())) return;
      }
    })().finally(() => {
      if (this.inFlight === p) this.inFlight = null;
    });
    this.inFlight = p;
    return p;
  }

  private takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let bytes = 12; // {"events":[]}
    for (const entry of this.queue) {
      if (batch.length >= this.batchCap) break;
      if (batch.length > 0 && bytes + entry.json.length + 1 > this.maxBatchBytes) break;
      batch.push(entry);
      bytes += entry.json.length + 1;
    }
    return batch;
  }

  /** One request. True when the batch left the queue (acknowledged or refused for good). */
  private async sendBatch(): Promise<boolean> {
    const batch = this.takeBatch();
    this.sending = batch.length;
    const body = `{"events":[${batch.map((e) => e.json).join(",")}]}`;
    const { signal, dispose } = timeoutSignal(this.abort.signal, this.timeoutMs);
    let error: Error;
    try {
      const res = await this.fetchFn(this.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body,
        signal,
      });
      if (res.ok) {
        const summary = (await res.json()) as EventsResponse;
        if (!summary || !Array.isArray(summary.results) || summary.results.length !== batch.length) {
          throw new CwrApiError(res.status, "bad_response", "the events answer does not list one result per event");
        }
        this.acknowledge(batch, summary);
        return true;
      }
      const err = await apiError(res, this.now());
      if (err.status === 413 && batch.length > 1) {
        this.batchCap = Math.max(1, Math.ceil(batch.length / 2));
        return true; // not a failure of the events: try again at once with a smaller batch
      }
      if (!err.transient) {
        // Refused as a whole (bad key, malformed body…): retrying the same bytes cannot succeed.
        this.remove(batch.length);
        this.counters.rejected += batch.length;
        this.surface(
          batch.map((e) => ({
            event: e.event,
            reason: err.code,
            details: { message: err.message, details: err.details },
            status: err.status,
          })),
        );
        this.notifyError(err, 0);
        this.attempt = 0;
        return true;
      }
      error = err;
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
      if (!(error instanceof CwrApiError)) error = new Error(`POST /api/v1/events failed: ${errorMessage(error)}`);
    } finally {
      dispose();
      this.sending = 0;
    }
    // Transient: keep the batch (same keys, same bytes) and back off.
    this.counters.retries++;
    const retryAfter = error instanceof CwrApiError ? error.retryAfterMs : undefined;
    const delay = retryAfter ?? backoffDelay(this.attempt, this.retryInitialMs, this.retryMaxMs);
    this.attempt++;
    if (retryAfter !== undefined) this.retryAfterUntil = this.now() + retryAfter;
    this.backoffUntil = this.now() + delay;
    this.notifyError(error, delay);
    return false;
  }

  private acknowledge(batch: Entry[], summary: EventsResponse) {
    this.remove(batch.length);
    this.attempt = 0;
    this.backoffUntil = 0;
    this.retryAfterUntil = 0;
    this.batchCap = this.maxBatch;
    this.counters.batches++;
    const rejected: RejectedEvent[] = [];
    for (const r of summary.results) {
      if (r.status === "accepted") this.counters.accepted++;
      else if (r.status === "duplicate") this.counters.duplicates++;
      else {
        this.counters.rejected++;
        const entry = batch[r.index];
        if (entry) rejected.push({ event: entry.event, reason: r.reason ?? "rejected", details: r.details });
      }
    }
    this.surface(rejected);
    try {
      this.options.onBatch?.(summary);
    } catch {
      /* ignore */
    }
  }

  private remove(n: number) {
    this.queue.splice(0, n);
  }

  private notifyError(error: Error, retryInMs: number) {
    try {
      this.options.onError?.(error, { retryInMs, pending: this.queue.length });
    } catch {
      /* ignore */
    }
  }

  private clearFlushTimer() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  private clearRetryTimer() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

export function createReporter(options: ReporterOptions): Reporter {
  return new Reporter(options);
}
