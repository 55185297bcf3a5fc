// Starts the live demo agents inside the server process (embedded default): one API key per seeded
// agent, made through the real key mutation (earlier "demo agent (auto)" keys are revoked first), then
// one demo agent per key talking to this server over HTTP like any outside agent would — once the
// server answers /api/health.
import type { Database } from "@/lib/db/client";
import { createApiKey, revokeApiKey } from "@/lib/keys/mutations";
import { log, logError } from "@/lib/log";
import { DEMO_AGENTS, demoReporters } from "./catalog";
import { startDemoAgent, type DemoAgent } from "./agent";

export const DEMO_KEY_NAME = "demo agent (auto)";
const DEMO_ACTOR = { type: "system" as const, label: "demo agent" };

export interface DemoAgents {
  agents: DemoAgent[];
  stop(): Promise<void>;
}

interface DemoState {
  started: Promise<DemoAgents | null>;
  abort: AbortController;
}

const g = globalThis as unknown as { __cwrDemoAgents?: DemoState };

export interface DemoKeys {
  /** the agent's own key */
  agent: string;
  /** its systems of record's reporter keys, by name (support-bot's "helpdesk") */
  reporters: Record<string, string>;
}

/**
 * Revokes the previous auto keys and makes a fresh one per seeded agent, and a fresh reporter key per
 * system of record (the earlier one of that name revoked: the page counts a reporter's outcomes by
 * name, so the rotation does not split them); slug → secrets.
 */
export async function makeDemoKeys(database: Database): Promise<Map<string, DemoKeys>> {
  const db = database.prisma;
  const keys = new Map<string, DemoKeys>();
  for (const a of DEMO_AGENTS) {
    const agent = await db.agent.findUnique({ where: { slug: a.slug }, select: { id: true } });
    if (!agent) continue;
    const old = await db.apiKey.findMany({
      where: { agentId: agent.id, name: DEMO_KEY_NAME, revokedAt: null },
      select: { id: true },
    });
    for (const k of old) await revokeApiKey(db, DEMO_ACTOR, { keyId: k.id });
    const key = await createApiKey(db, DEMO_ACTOR, { agentId: agent.id, name: DEMO_KEY_NAME });
    const reporters: Record<string, string> = {};
    for (const name of demoReporters(a)) {
      const previous = await db.apiKey.findMany({
        where: { agentId: agent.id, name, scope: "reporter", revokedAt: null },
        select: { id: true },
      });
      for (const k of previous) await revokeApiKey(db, DEMO_ACTOR, { keyId: k.id });
      reporters[name] = (await createApiKey(db, DEMO_ACTOR, { agentId: agent.id, name, scope: "reporter" })).secret;
    }
    keys.set(a.slug, { agent: key.secret, reporters });
  }
  return keys;
}

async function waitForHealth(port: () => number, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    const baseUrl = `http://127.0.0.1:${port()}`;
    try {
      const res = await fetch(`${baseUrl}/api/health`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]),
      });
      if (res.ok) return baseUrl;
    } catch {
      /* not listening yet */
    }
    await new Promise<void>((r) => {
      const t = setTimeout(r, 500);
      signal.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
    });
  }
  return null;
}

/**
 * Starts the demo agents once per process. Never throws (a demo must not stop the server): failures
 * are logged and the promise resolves to null. `port` defaults to the server's (process.env.PORT,
 * which `next start` sets once it listens; read when the server first answers). DEMO_AGENT_SPEED
 * multiplies the demo's pace (lib/demo/schedule.ts); DEMO_AGENT_RATE replaces its volume (outcomes/s per agent).
 */
export function startDemoAgentInProcess(database: Database, port?: number): Promise<DemoAgents | null> {
  if (g.__cwrDemoAgents) return g.__cwrDemoAgents.started;
  const abort = new AbortController();
  const started = (async (): Promise<DemoAgents | null> => {
    try {
      const keys = await makeDemoKeys(database);
      if (keys.size === 0) {
        log("info", "demo agent: no seeded demo agents, not started");
        return null;
      }
      const resolvePort = () => port ?? (Number(process.env.PORT) || 3000);
      const baseUrl = await waitForHealth(resolvePort, 300_000, abort.signal);
      if (abort.signal.aborted) return null;
      if (!baseUrl) {
        log("warn", "demo agent: the server did not answer /api/health, not started", { port: resolvePort() });
        return null;
      }
      const speed = Number(process.env.DEMO_AGENT_SPEED ?? 1) || 1;
      const rate = Number(process.env.DEMO_AGENT_RATE) || undefined;
      const agents = [...keys].map(([, { agent: apiKey, reporters }]) =>
        startDemoAgent({
          baseUrl,
          apiKey,
          reporterKeys: reporters,
          speed,
          ...(rate ? { rate } : {}),
          log: (message, fields) => log("info", message, fields),
        }),
      );
      log("info", "demo agent started", {
        agents: [...keys.keys()],
        speed,
        rate: rate ?? "one seeded day every 10 min",
        baseUrl,
      });
      let stopping: Promise<void> | null = null;
      return { agents, stop: () => (stopping ??= Promise.all(agents.map((a) => a.stop())).then(() => {})) };
    } catch (e) {
      logError("demo agent failed to start", e);
      return null;
    }
  })();
  g.__cwrDemoAgents = { started, abort };
  return started;
}

/**
 * Stops the in-process demo agents (their tier streams end, queued outcomes get ~1 s to be sent), or
 * cancels a start still waiting for the server. Safe to call at any time, more than once.
 */
export async function stopDemoAgentInProcess(): Promise<void> {
  const state = g.__cwrDemoAgents;
  if (!state) return;
  state.abort.abort();
  const agents = await state.started;
  await agents?.stop();
}
