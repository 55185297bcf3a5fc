// The agent's side of Crawl · Walk · Run: its tiers in memory, kept current by the tier stream, and
// answered locally. It FAILS CLOSED: with no data yet, data older than maxAgeMs, or an error it
// cannot retry away, every answer is CRAWL / suggest / not allowed.
//
// Only fetch and standard Web/Node APIs, plus the pure lib/gating rules; no Next, no Prisma, no zod.
import { apiError, backoffDelay, CwrApiError, errorMessage, joinUrl, timeoutSignal, type FetchLike } from "./http";
import {
  awaitDecision,
  awaitDecisionStreamed,
  consume,
  propose,
  type ProposalAnswer,
  type ProposalCreated,
  type ProposalRequest,
  type ProposalsContext,
} from "./proposals";
import { SseParser, type SseMessage } from "./sse";
import { Reporter, type ReporterOptions, type ReportInput } from "./reporter";
import {
  carryOut,
  guard,
  type CarryOutResult,
  type GuardHost,
  type GuardRequest,
  type GuardResult,
  type Parameters as GuardParameters,
} from "./guard";
import { decide, isTier, modeOf } from "@cwr/gating/outcomes";
import { tierForSubject } from "@cwr/gating/slider";
import { decideWithContract, tierWithContract } from "@cwr/gating/contract";
import { AUDIENCES } from "@cwr/gating/types";
import { MODE_OF, type Audience, type Decision, type Mode, type Tier, type TierView } from "./types";

export interface ClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** the agent's API key (`cwr_…`) */
  apiKey: string;
  /** answers turn CRAWL when the last successful fetch or stream message (heartbeats included) is older (default 60 000) */
  maxAgeMs?: number;
  fetch?: FetchLike;
  /** clock in ms since epoch (default Date.now); freshness is judged by it */
  now?: () => number;
  /** follow GET /api/v1/tiers/stream (default true); false polls GET /api/v1/tiers every pollMs instead */
  stream?: boolean;
  /** polling interval without the stream (default maxAgeMs / 3) */
  pollMs?: number;
  /** reconnect backoff (default 500 ms doubling up to 15 000 ms, jittered; the stream's `retry:` raises the first step) */
  backoff?: { initialMs?: number; maxMs?: number };
  /** a stream that carries nothing at all (not even a heartbeat) for this long is dropped and re-opened (default 0.75·maxAgeMs) */
  streamIdleMs?: number;
  /** GET /api/v1/tiers timeout (default 10 000 ms) */
  timeoutMs?: number;
  /** do not connect until start() is called (default false: connects at once) */
  lazy?: boolean;
  /** options of the built-in reporter behind `report()` */
  reporter?: Omit<ReporterOptions, "baseUrl" | "apiKey" | "fetch" | "now">;
}

export type ClientState = "fresh" | "stale" | "error" | "closed";

export interface ClientStatus {
  /** fresh: answers come from the data; anything else answers CRAWL */
  state: ClientState;
  /** when data last arrived (fetch or stream message, heartbeats included), ms since epoch; null before any */
  lastUpdateAt: number | null;
  /** age of that data in ms (Infinity before any) */
  ageMs: number;
  /** the stream is open right now */
  connected: boolean;
  lastError: { message: string; at: number; status?: number; code?: string } | null;
  /** id of the last tier change seen on the stream (sent as Last-Event-ID on reconnect) */
  lastEventId: string | null;
  /** action types known (answered only while fresh) */
  actions: number;
}

export interface TierChange {
  action: string;
  /** undefined when the action type is new */
  previous: TierView | undefined;
  /** undefined when the action type disappeared */
  current: TierView | undefined;
  /** automatic_demotion, promotion, … (stream changes only) */
  cause?: string;
  changedAt?: string;
  source: "fetch" | "snapshot" | "stream";
}

type Listener<T> = (value: T) => void;

const DEFAULT_MAX_AGE_MS = 60_000;

/** A validated, frozen copy holding only the fields of a tier view; null when malformed. */
export function toTierView(raw: unknown): TierView | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  const tier = r.tier;
  if (!isTier(tier)) return null;
  if (typeof r.action !== "string" || r.action.length === 0) return null;
  // The mode must be the tier's: a server saying RUN/suggest is not trusted with either.
  if (r.mode !== MODE_OF[tier]) return null;
  if (typeof r.frozen !== "boolean" || typeof r.tierSince !== "string" || typeof r.name !== "string") return null;
  if (typeof r.policyVersion !== "number" || !Number.isFinite(r.policyVersion)) return null;
  const view: TierView = {
    action: r.action,
    name: r.name,
    tier,
    mode: MODE_OF[tier],
    frozen: r.frozen,
    tierSince: r.tierSince,
    policyVersion: r.policyVersion,
  };
  if (r.slider !== undefined) {
    // A slider we cannot read is not trusted with RUN: 0 % answers every subject as WALK.
    const sl = r.slider as Record<string, unknown> | null;
    const ok =
      sl &&
      typeof sl === "object" &&
      typeof sl.percent === "number" &&
      sl.percent >= 0 &&
      sl.percent <= 100 &&
      typeof sl.salt === "string";
    view.slider = Object.freeze(
      ok ? { percent: sl.percent as number, salt: sl.salt as string } : { percent: 0, salt: "" },
    );
  }
  if (r.contract !== undefined) {
    // A contract we cannot read is not trusted with internal: an empty one makes nobody internal.
    const c = r.contract as Record<string, unknown> | null;
    const entries =
      c && typeof c === "object" && Array.isArray(c.entries) && c.entries.every((e) => typeof e === "string")
        ? (c.entries as string[])
        : [];
    view.contract = Object.freeze({ entries: Object.freeze([...entries]) as string[] });
  }
  return Object.freeze(view);
}

function sameView(a: TierView | undefined, b: TierView | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.tier === b.tier &&
    a.frozen === b.frozen &&
    a.tierSince === b.tierSince &&
    a.policyVersion === b.policyVersion &&
    a.name === b.name &&
    a.slider?.percent === b.slider?.percent &&
    a.slider?.salt === b.slider?.salt &&
    JSON.stringify(a.contract?.entries ?? null) === JSON.stringify(b.contract?.entries ?? null)
  );
}

/** The server's rule (POST /api/v1/decisions), mirrored: CRAWL suggests, WALK acts internally, RUN acts. */
export function decideLocally(
  view: TierView | undefined,
  audience: Audience,
  whyNot?: string,
  subject?: string,
): Decision {
  // The same rule the server answers with (lib/gating is pure: no dependency comes with it).
  if (!view) {
    const unknown = decide(null, false, audience);
    return whyNot ? { ...unknown, reason: whyNot } : unknown;
  }
  // Plain-JS callers can pass anything: an audience that is not one of ours is never allowed.
  if (!(AUDIENCES as readonly string[]).includes(audience))
    return {
      allowed: false,
      mode: view.mode,
      tier: view.tier,
      answeredAs: view.tier,
      limitedBy: null,
      reason: `unknown audience "${String(audience)}": not allowed`,
    };
  const { split: _split, ...decision } = decideWithContract(
    view.tier,
    view.frozen,
    audience,
    view.slider ?? null,
    subject,
    view.contract?.entries ?? null,
  );
  void _split;
  return decision;
}

class Fatal extends Error {}

export class CwrClient {
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;
  readonly maxAgeMs: number;
  private readonly streamEnabled: boolean;
  private readonly pollMs: number;
  private readonly backoffInitialMs: number;
  private readonly backoffMaxMs: number;
  private readonly streamIdleMs: number;
  private readonly timeoutMs: number;

  private tiers = new Map<string, TierView>();
  private freshAt = -Infinity;
  private lastDataAt: number | null = null;
  private agentSlug: string | null = null;
  private hasData = false;
  /** an error that retrying the same way cannot fix (bad key, bad data): answers CRAWL until data arrives */
  private fatal: Error | null = null;
  private lastError: ClientStatus["lastError"] = null;
  private lastEventId: string | null = null;
  private etag: string | null = null;
  private baseline: TierView[] = [];
  private serverRetryMs: number | null = null;
  private connected = false;
  /** awaitDecision calls waiting for the stream's `proposal_decided` */
  private decisionWatchers = new Set<{ id: string; wake: () => void }>();
  private closed = false;
  private started = false;

  private readonly abort = new AbortController();
  private sleepTimer: ReturnType<typeof setTimeout> | null = null;
  private wake: (() => void) | null = null;
  private staleTimer: ReturnType<typeof setTimeout> | null = null;
  private loop: Promise<void> | null = null;
  private reporterInstance: Reporter | null = null;

  private readonly changeListeners = new Set<Listener<TierChange>>();
  private readonly statusListeners = new Set<Listener<ClientStatus>>();
  private lastState: ClientState | null = null;

  constructor(private readonly options: ClientOptions) {
    if (!options.baseUrl) throw new TypeError("baseUrl is required");
    if (!options.apiKey) throw new TypeError("apiKey is required");
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.streamEnabled = options.stream ?? true;
    this.pollMs = options.pollMs ?? Math.max(1000, this.maxAgeMs / 3);
    this.backoffInitialMs = Math.max(1, options.backoff?.initialMs ?? 500);
    this.backoffMaxMs = Math.max(this.backoffInitialMs, options.backoff?.maxMs ?? 15_000);
    this.streamIdleMs = options.streamIdleMs ?? Math.max(1000, this.maxAgeMs * 0.75);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (!options.lazy) this.start();
  }

  // ---- answers (synchronous, from memory) ----

  /** suggest | act_internal | act_external; suggest unless the data is fresh and knows the action. */
  mode(action: string, subject?: string): Mode {
    try {
      if (this.fatal !== null || !(this.now() - this.freshAt <= this.maxAgeMs)) return "suggest";
      const view = this.tiers.get(action);
      if (view === undefined) return "suggest";
      // RUN's slider: act externally only for a subject inside it; without one, WALK (fail closed).
      // WALK's contract: act internally only on a subject inside it; otherwise suggest, as OFREP answers.
      const tier = tierForSubject(view.tier, view.slider ?? null, subject).tier;
      return modeOf(tierWithContract(tier, view.contract?.entries ?? null, subject));
    } catch {
      return "suggest";
    }
  }

  /** CRAWL | WALK | RUN; CRAWL unless the data is fresh and knows the action. */
  tier(action: string): Tier {
    const view = this.get(action);
    return view === undefined ? "CRAWL" : view.tier;
  }

  /** The tier view of an action while the data is fresh; undefined otherwise. */
  get(action: string): TierView | undefined {
    try {
      if (this.fatal !== null || !(this.now() - this.freshAt <= this.maxAgeMs)) return undefined;
      return this.tiers.get(action);
    } catch {
      return undefined;
    }
  }

  /** May the agent act on this audience now? The server's rule, answered locally and failing closed. */
  decide(action: string, audience: Audience, subject?: string): Decision {
    const state = this.state();
    if (state !== "fresh")
      return decideLocally(undefined, audience, `no fresh tier data (${state}): answered as CRAWL, suggest only`);
    return decideLocally(this.get(action), audience, undefined, subject);
  }

  /** The slug of the agent the key belongs to (from GET /api/v1/tiers); null before the first answer. */
  get agent(): string | null {
    return this.agentSlug;
  }

  /** Every action type while fresh; [] otherwise. */
  list(): TierView[] {
    return this.state() === "fresh" ? [...this.tiers.values()] : [];
  }

  /** State, data age, last error. Also tells onStatus listeners of a change it notices. */
  status(): ClientStatus {
    this.emitStatus();
    return this.snapshot();
  }

  private snapshot(): ClientStatus {
    const now = this.safeNow();
    return {
      state: this.state(),
      lastUpdateAt: this.lastDataAt,
      ageMs: this.lastDataAt === null ? Infinity : Math.max(0, now - this.lastDataAt),
      connected: this.connected,
      lastError: this.lastError,
      lastEventId: this.lastEventId,
      actions: this.tiers.size,
    };
  }

  // ---- events ----

  /** Called for every action whose view changed (tier, frozen, policy version, …). Returns an unsubscribe. */
  onChange(listener: Listener<TierChange>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Called when the state (fresh/stale/error/closed) changes. Returns an unsubscribe. */
  onStatus(listener: Listener<ClientStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Resolves true once the data is fresh, false on timeout (default 10 s) or close. Never rejects. */
  ready(timeoutMs = 10_000): Promise<boolean> {
    if (this.state() === "fresh") return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        off();
        resolve(v);
      };
      const timer = setTimeout(() => done(this.state() === "fresh"), timeoutMs);
      const off = this.onStatus((s) => {
        if (s.state === "fresh") done(true);
        else if (s.state === "closed") done(false);
      });
    });
  }

  // ---- outcomes ----

  /** The reporter behind report(); created on first use. */
  get reporter(): Reporter {
    if (!this.reporterInstance) {
      if (this.closed) throw new Error("the client is closed");
      this.reporterInstance = new Reporter({
        ...this.options.reporter,
        baseUrl: this.options.baseUrl,
        apiKey: this.options.apiKey,
        fetch: this.fetchFn,
        now: this.now,
      });
    }
    return this.reporterInstance;
  }

  /**
   * Queues an outcome event. `tier` defaults to the tier this client reports for the action now
   * (pass the tier the decision was taken at when you have it). Returns the idempotency key.
   */
  report(event: Omit<ReportInput, "tier"> & { tier?: Tier }): string {
    return this.reporter.report({ ...event, tier: event.tier ?? this.tier(event.action) });
  }

  // ---- lifecycle ----

  /** Connects (constructor does, unless `lazy`). Idempotent. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.loop = this.run();
  }

  private proposalsContext(): ProposalsContext {
    return {
      baseUrl: this.options.baseUrl,
      apiKey: this.options.apiKey,
      fetch: this.fetchFn,
      now: this.now,
      signal: this.abort.signal,
      timeoutMs: this.timeoutMs,
    };
  }

  /** CRAWL: proposes an action for a person to decide (POST /api/v1/proposals). Throws CwrApiError when refused. */
  propose(input: ProposalRequest): Promise<ProposalCreated> {
    return propose(this.proposalsContext(), input);
  }

  /**
   * Waits for the decision on a proposal; answers it as it stands after `timeoutMs`. While the tier
   * stream is connected it waits for the stream's `proposal_decided`; otherwise it long polls.
   */
  awaitDecision(proposal: string | { id: string }, options?: { timeoutMs?: number }): Promise<ProposalAnswer>;
  /** …then, once accepted, consumes the grant and runs `act` on exactly the accepted parameters, once. */
  awaitDecision<T>(
    proposal: string | { id: string },
    act: (parameters: GuardParameters) => T | Promise<T>,
    options?: { timeoutMs?: number },
  ): Promise<CarryOutResult<T>>;
  awaitDecision<T>(
    proposal: string | { id: string },
    actOrOptions?: ((parameters: GuardParameters) => T | Promise<T>) | { timeoutMs?: number },
    options: { timeoutMs?: number } = {},
  ): Promise<ProposalAnswer | CarryOutResult<T>> {
    const id = typeof proposal === "string" ? proposal : proposal.id;
    if (typeof actOrOptions === "function") return carryOut(this.guardHost(), { id }, actOrOptions, options);
    return this.waitFor(id, actOrOptions ?? {});
  }

  /**
   * Runs `act` only where the tier allows it now (fresh data; RUN through the slider, WALK inside the
   * contract) and reports its outcome; otherwise proposes it and never runs it (lib/sdk/guard.ts).
   */
  guard<T>(request: GuardRequest, act: (parameters: GuardParameters) => T | Promise<T>): Promise<GuardResult<T>> {
    return guard(this.guardHost(), request, act);
  }

  /** Built once: the guard sits in the agent's path, and a host per call cost more than the decision. */
  private guardHostInstance: GuardHost | null = null;

  private guardHost(): GuardHost {
    if (this.guardHostInstance) return this.guardHostInstance;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getter below needs the client
    const client = this;
    this.guardHostInstance = {
      get agent() {
        return client.agentSlug;
      },
      decide: (action, audience, subject) => this.decide(action, audience, subject),
      report: (event) => this.report(event),
      propose: (input) => this.propose(input),
      awaitDecision: (id, options) => this.waitFor(id, options ?? {}),
      consume: (id, digest) => this.consume(id, digest),
    };
    return this.guardHostInstance;
  }

  private waitFor(id: string, options: { timeoutMs?: number }): Promise<ProposalAnswer> {
    if (this.options.stream === false) return awaitDecision(this.proposalsContext(), id, options);
    return awaitDecisionStreamed(
      this.proposalsContext(),
      { live: () => this.connected && !this.closed, watch: (pid, ms) => this.watchDecision(pid, ms) },
      id,
      options,
    );
  }

  /** Woken by the stream's `proposal_decided` for `id`, by the stream dropping or closing, or after `ms`. */
  private watchDecision(id: string, ms: number): { wait: Promise<void>; cancel(): void } {
    let entry!: { id: string; wake: () => void };
    let timer: ReturnType<typeof setTimeout> | null = null;
    const wait = new Promise<void>((resolve) => {
      entry = { id, wake: resolve };
      timer = setTimeout(resolve, ms);
    });
    this.decisionWatchers.add(entry);
    return {
      wait,
      cancel: () => {
        if (timer) clearTimeout(timer);
        this.decisionWatchers.delete(entry);
      },
    };
  }

  private wakeDecisionWatchers(id?: string) {
    for (const w of [...this.decisionWatchers]) if (id === undefined || w.id === id) w.wake();
  }

  /** Uses an accepted proposal's single grant with the digest of what is about to be executed. */
  consume(id: string, digest: string): Promise<ProposalAnswer> {
    return consume(this.proposalsContext(), id, digest);
  }

  /** Stops the stream, timers and the reporter (which first sends what it can within `timeoutMs`). */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.freshAt = -Infinity; // every answer is CRAWL from now on
    this.abort.abort(new Error("client closed"));
    this.wakeDecisionWatchers();
    this.wake?.();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = null;
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = null;
    await this.loop?.catch(() => {});
    this.connected = false;
    if (this.reporterInstance) await this.reporterInstance.close(options);
    this.emitStatus();
    this.changeListeners.clear();
    this.statusListeners.clear();
  }

  // ---- internals ----

  private safeNow(): number {
    try {
      return this.now();
    } catch {
      return NaN;
    }
  }

  private state(): ClientState {
    if (this.closed) return "closed";
    if (this.fatal) return "error";
    const now = this.safeNow();
    if (!this.hasData || !(now - this.freshAt <= this.maxAgeMs)) return "stale";
    return "fresh";
  }

  private emitStatus() {
    const state = this.state();
    if (state === this.lastState) return;
    this.lastState = state;
    const status = this.snapshot();
    for (const l of [...this.statusListeners]) {
      try {
        l(status);
      } catch {
        /* a listener's error is its own */
      }
    }
  }

  private emitChange(change: TierChange) {
    for (const l of [...this.changeListeners]) {
      try {
        l(change);
      } catch {
        /* ignore */
      }
    }
  }

  /** Data arrived: the clock of freshness restarts. */
  private touch() {
    if (this.closed) return;
    this.freshAt = this.safeNow();
    this.lastDataAt = this.freshAt;
    this.armStaleTimer();
    this.emitStatus();
  }

  /** Fires when the data would turn stale, so onStatus learns of it without being asked. */
  private armStaleTimer() {
    if (this.staleTimer || this.closed) return;
    const remaining = Math.max(1, this.freshAt + this.maxAgeMs - this.safeNow() + 1);
    this.staleTimer = setTimeout(
      () => {
        this.staleTimer = null;
        this.emitStatus();
        if (this.state() === "fresh") this.armStaleTimer();
      },
      Number.isFinite(remaining) ? remaining : this.maxAgeMs,
    );
    (this.staleTimer as { unref?: () => void }).unref?.();
  }

  private recordError(e: unknown) {
    const err = e instanceof Error ? e : new Error(String(e));
    this.lastError = {
      message: errorMessage(err),
      at: this.safeNow(),
      ...(err instanceof CwrApiError ? { status: err.status, code: err.code } : {}),
    };
    if (err instanceof Fatal || (err instanceof CwrApiError && !err.transient)) this.fatal = err;
    this.emitStatus();
  }

  /** Replaces every view (a fetch or a snapshot), telling listeners what changed. */
  private applyAll(views: TierView[], source: TierChange["source"]) {
    const next = new Map<string, TierView>();
    for (const v of views) next.set(v.action, v);
    const previous = this.tiers;
    this.tiers = next;
    this.hasData = true;
    this.fatal = null;
    this.touch();
    for (const [action, v] of next) {
      const old = previous.get(action);
      if (!sameView(old, v)) this.emitChange({ action, previous: old, current: v, source });
    }
    for (const [action, old] of previous) {
      if (!next.has(action)) this.emitChange({ action, previous: old, current: undefined, source });
    }
  }

  private applyOne(view: TierView, extra: { cause?: string; changedAt?: string }) {
    const old = this.tiers.get(view.action);
    // Copy on write: a reader never sees a half-updated map.
    const next = new Map(this.tiers);
    next.set(view.action, view);
    this.tiers = next;
    this.touch();
    if (!sameView(old, view))
      this.emitChange({ action: view.action, previous: old, current: view, source: "stream", ...extra });
  }

  private parseViews(raw: unknown, what: string): TierView[] {
    if (!Array.isArray(raw)) throw new Fatal(`${what}: tiers is not a list`);
    const views: TierView[] = [];
    for (const item of raw) {
      const v = toTierView(item);
      if (!v) throw new Fatal(`${what}: malformed tier view ${JSON.stringify(item)?.slice(0, 200)}`);
      views.push(v);
    }
    return views;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.options.apiKey}`, ...extra };
  }

  /** GET /api/v1/tiers (conditional on the last ETag). Throws on any failure. */
  private async fetchTiers(): Promise<void> {
    const { signal, dispose } = timeoutSignal(this.abort.signal, this.timeoutMs);
    try {
      const headers = this.headers({ accept: "application/json" });
      if (this.etag) headers["if-none-match"] = this.etag;
      const res = await this.fetchFn(joinUrl(this.options.baseUrl, "/api/v1/tiers"), { headers, signal });
      if (res.status === 304 && this.etag) {
        // The server's state is exactly the one that ETag was given for.
        this.applyAll(this.baseline, "fetch");
        return;
      }
      if (!res.ok) throw await apiError(res, this.safeNow());
      let body: { tiers?: unknown; agent?: unknown };
      try {
        body = (await res.json()) as { tiers?: unknown; agent?: unknown };
      } catch (e) {
        throw new Fatal(`GET /api/v1/tiers: the answer is not JSON (${errorMessage(e)})`);
      }
      const views = this.parseViews(body?.tiers, "GET /api/v1/tiers");
      if (typeof body.agent === "string") this.agentSlug = body.agent;
      this.etag = res.headers.get("etag");
      this.baseline = views;
      this.applyAll(views, "fetch");
    } finally {
      dispose();
    }
  }

  /**
   * Follows the stream until it ends, breaks or idles out. Throws when it cannot be opened or breaks
   * the protocol; otherwise returns whether it carried anything (then the next reconnect starts gently).
   */
  private async followStream(): Promise<{ carried: boolean; ended: Error }> {
    const controller = new AbortController();
    const onClose = () => controller.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener("abort", onClose, { once: true });
    let idle: ReturnType<typeof setTimeout> | null = null;
    let idledOut = false;
    const resetIdle = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => {
        idledOut = true;
        controller.abort(new Error(`the stream carried nothing for ${this.streamIdleMs} ms`));
      }, this.streamIdleMs);
      (idle as { unref?: () => void }).unref?.();
    };
    let carried = false;
    let failure: unknown = null;
    const parser = new SseParser({
      message: (m) => {
        carried = true;
        if (failure) return;
        try {
          this.onStreamMessage(m);
        } catch (e) {
          failure = e instanceof Fatal ? e : new Fatal(`stream: ${errorMessage(e)}`);
          controller.abort(failure);
        }
      },
      comment: () => {
        carried = true;
        if (!failure) this.touch();
      },
      retry: (ms) => {
        this.serverRetryMs = ms;
      },
    });
    try {
      resetIdle();
      const headers = this.headers({ accept: "text/event-stream", "cache-control": "no-cache" });
      if (this.lastEventId) headers["last-event-id"] = this.lastEventId;
      const res = await this.fetchFn(joinUrl(this.options.baseUrl, "/api/v1/tiers/stream"), {
        headers,
        signal: controller.signal,
      });
      if (!res.ok) throw await apiError(res, this.safeNow());
      const type = res.headers.get("content-type") ?? "";
      if (!type.startsWith("text/event-stream")) {
        await res.body?.cancel().catch(() => {});
        throw new Fatal(`GET /api/v1/tiers/stream answered ${type || "no content type"}, not text/event-stream`);
      }
      if (!res.body) throw new Fatal("GET /api/v1/tiers/stream answered without a body");
      this.connected = true;
      this.emitStatus();
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let ended: Error;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          resetIdle();
          parser.feed(decoder.decode(value, { stream: true }));
          if (failure) break;
        }
        parser.feed(decoder.decode());
        ended = new Error("the tier stream ended");
      } catch (e) {
        ended = idledOut
          ? new Error(`the tier stream carried nothing for ${this.streamIdleMs} ms`)
          : new Error(`the tier stream broke: ${errorMessage(e)}`);
      } finally {
        parser.end();
        reader.cancel().catch(() => {});
      }
      if (failure) throw failure;
      return { carried, ended };
    } finally {
      if (idle) clearTimeout(idle);
      this.abort.signal.removeEventListener("abort", onClose);
      controller.abort();
      if (this.connected) {
        this.connected = false;
        this.wakeDecisionWatchers(); // the stream is down: awaitDecision falls back to the long poll
        this.emitStatus();
      }
    }
  }

  private onStreamMessage(m: SseMessage) {
    if (m.event === "snapshot") {
      const data = JSON.parse(m.data) as { tiers?: unknown };
      // The snapshot is the full list, the same as GET /tiers: it replaces what we hold.
      this.applyAll(this.parseViews(data?.tiers, "stream snapshot"), "snapshot");
      this.etag = null; // the baseline behind the ETag may be older than the snapshot
    } else if (m.event === "tier_change") {
      const data = JSON.parse(m.data) as { cause?: unknown; changedAt?: unknown };
      const view = toTierView(data);
      if (!view) throw new Fatal(`stream: malformed tier_change ${m.data.slice(0, 200)}`);
      this.applyOne(view, {
        cause: typeof data.cause === "string" ? data.cause : undefined,
        changedAt: typeof data.changedAt === "string" ? data.changedAt : undefined,
      });
      if (m.lastEventId) this.lastEventId = m.lastEventId;
    } else if (m.event === "proposal_decided") {
      const data = JSON.parse(m.data) as { id?: unknown };
      if (typeof data?.id === "string") this.wakeDecisionWatchers(data.id);
      this.touch();
    } else {
      this.touch(); // an event type this SDK does not know yet: still proof of a live stream
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      this.wake = () => {
        if (this.sleepTimer) clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.wake = null;
        resolve();
      };
      this.sleepTimer = setTimeout(() => this.wake?.(), ms);
    });
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      let error: unknown;
      try {
        await this.fetchTiers();
        if (!this.streamEnabled) {
          attempt = 0;
          await this.sleep(this.pollMs);
          continue;
        }
        const { carried, ended } = await this.followStream();
        if (carried) attempt = 0;
        error = ended;
      } catch (e) {
        error = e;
      }
      if (this.closed) break;
      this.recordError(error);
      const retryAfter = error instanceof CwrApiError ? error.retryAfterMs : undefined;
      const fatal = error instanceof Fatal || (error instanceof CwrApiError && !error.transient);
      // The stream's `retry:` is the server's wish for a reconnect: backoff grows from there.
      const initial =
        this.serverRetryMs !== null
          ? Math.max(this.backoffInitialMs, Math.min(this.serverRetryMs, this.backoffMaxMs))
          : this.backoffInitialMs;
      const delay = retryAfter ?? (fatal ? this.backoffMaxMs : backoffDelay(attempt, initial, this.backoffMaxMs));
      attempt++;
      await this.sleep(delay);
    }
  }
}

export function createClient(options: ClientOptions): CwrClient {
  return new CwrClient(options);
}
