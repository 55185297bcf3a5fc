// What people (and a busy agent's ingest) put on the server while bench/agents-under-load.ts watches
// the decisions, run as its own process (pinned to the load core):
//   node --import tsx bench/lib/people-load.ts '{"kind":"ingest"|"signin"|"replay", "baseUrl":…, "seconds":20, …}'
// Prints one JSON line: what was done and how it was answered.
//   ingest: batches of 1,000 new events, open loop at `rate` events/s (batch i due at start + i·1000/rate);
//   signin: `clients` concurrent loops of a full credentials sign-in (CSRF, then the callback) with the
//           right password, as 24 people arriving at once would;
//   replay: `clients` admins each calling the policy editor's replay server action in a loop, the way
//           the dashboard does (POST to the page with the Next-Action header).
import http from "node:http";
import { callAction, actionRef } from "../../tests/helpers/actions";
import { signInCookie } from "../../tests/helpers/server";
import { DEMO_PASSWORD } from "../../lib/auth/demo-accounts";

interface Options {
  kind: "ingest" | "signin" | "replay";
  baseUrl: string;
  seconds: number;
  /** ingest: events per second */
  rate?: number;
  /** ingest: the agent's key and action keys */
  key?: string;
  actions?: string[];
  /** signin, replay: concurrent clients */
  clients?: number;
  /** replay: the action type and the rules to replay */
  actionTypeId?: string;
  rules?: unknown;
}

const o = JSON.parse(process.argv[2]!) as Options;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const answers = new Map<string, number>();
const count = (k: string) => answers.set(k, (answers.get(k) ?? 0) + 1);
const durations: number[] = [];

function post(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(o.baseUrl + path);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function ingest(): Promise<Record<string, unknown>> {
  const rate = o.rate ?? 3000;
  const batchEvery = (1000 / rate) * 1000;
  const end = performance.now() + o.seconds * 1000;
  const start = performance.now();
  const actions = o.actions!;
  const pending: Promise<void>[] = [];
  let accepted = 0;
  for (let i = 0; start + i * batchEvery < end; i++) {
    const due = start + i * batchEvery;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = Date.now();
    const events = Array.from({ length: 1000 }, (_, j) => ({
      idempotencyKey: `load-${process.pid}-${i}-${j}`,
      action: actions[j % actions.length],
      kind: j % 50 === 0 ? "suggestion.rejected" : "suggestion.accepted",
      tier: "CRAWL",
      occurredAt: new Date(now - 1000 + j).toISOString(),
      agentVersion: "bench",
    }));
    pending.push(
      post(
        "/api/v1/events",
        { authorization: `Bearer ${o.key}`, "content-type": "application/json" },
        JSON.stringify({ events }),
      ).then(
        (r) => {
          durations.push(performance.now() - due);
          count(String(r.status));
          if (r.status === 200) accepted += (JSON.parse(r.text) as { accepted: number }).accepted;
        },
        () => void count("network error"),
      ),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  return { events: accepted, eventsPerSecond: Math.round(accepted / seconds), batches: durations.length };
}

async function signIn(i: number): Promise<void> {
  const accounts = ["admin@demo.local", "reviewer1@demo.local", "reviewer2@demo.local", "viewer@demo.local"];
  const t = performance.now();
  const cookie = await signInCookie(o.baseUrl, accounts[i % accounts.length]!, DEMO_PASSWORD);
  durations.push(performance.now() - t);
  count(cookie.includes("session-token") ? "signed in" : "refused");
}

async function signins(): Promise<Record<string, unknown>> {
  const end = performance.now() + o.seconds * 1000;
  const start = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: o.clients ?? 24 }, async () => {
      while (performance.now() < end) await signIn(n++).catch(() => void count("network error"));
    }),
  );
  return {
    signIns: durations.length,
    perSecond: Math.round((durations.length / (performance.now() - start)) * 1e4) / 10,
  };
}

async function replays(): Promise<Record<string, unknown>> {
  const ref = actionRef("replayPolicyAction");
  const cookies = await Promise.all(
    Array.from({ length: o.clients ?? 4 }, () => signInCookie(o.baseUrl, "admin@demo.local")),
  );
  const end = performance.now() + o.seconds * 1000;
  const start = performance.now();
  await Promise.all(
    cookies.map(async (cookie) => {
      while (performance.now() < end) {
        const t = performance.now();
        const r = await callAction(o.baseUrl, cookie, ref, { actionTypeId: o.actionTypeId, rules: o.rules }).catch(
          () => null,
        );
        durations.push(performance.now() - t);
        const result = r?.result as { error?: { code?: string } } | null;
        count(!r ? "network error" : result?.error?.code ? `${r.status} ${result.error.code}` : String(r.status));
        // A refused replay (429) is asked again after a moment, as a person would click again.
        if (r && r.status === 429) await new Promise((res) => setTimeout(res, 250));
      }
    }),
  );
  return {
    replays: durations.length,
    perSecond: Math.round((durations.length / (performance.now() - start)) * 1e4) / 10,
  };
}

const run = { ingest, signin: signins, replay: replays }[o.kind];
const result = await run();
const sorted = [...durations].sort((a, b) => a - b);
const p = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? NaN);
console.log(
  JSON.stringify({ ...result, answers: Object.fromEntries(answers), durationMs: { p50: p(50), p99: p(99) } }),
);
agent.destroy();
process.exit(0);
