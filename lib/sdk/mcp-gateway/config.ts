// The gateway's configuration file (gateway.json), checked by hand: the SDK carries no schema library.
// Every problem is named with its JSON path, all at once, so one edit fixes the file.
import type { Audience } from "../types";

export interface ToolMapping {
  /** the action type key the call is (e.g. "refund.issue") */
  action: string;
  audience: Audience;
  /** where the subject sits in the call's arguments: "$.customer.id" */
  subject: string;
  /**
   * the arguments that are the action's parameters: what a person decides and what is forwarded
   * (in every tier, so a call runs as decided). Absent: every argument.
   */
  parameters?: string[];
}

export type Downstream =
  | { command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; headers?: Record<string, string> };

/**
 * What a call of a tool the config does not map does:
 * - "CRAWL" (the default): nothing runs. No action type can be named for it, so no proposal can be
 *   made either: the call is refused with a tool error that says to map the tool.
 * - "forward": forwarded unguarded and unreported (for tools with no effect, e.g. reads); a look-alike
 *   of a mapped tool's name is refused instead (gateway.ts).
 * - a mapping without parameters: the call is guarded as that action, its parameters being
 *   `{tool, arguments}`, so a person decides the whole call.
 */
export type DefaultRule = "CRAWL" | "forward" | Omit<ToolMapping, "parameters">;

export interface GatewayConfig {
  cwr: { baseUrl: string; apiKeyEnv: string; maxAgeMs?: number };
  downstream: Downstream;
  tools: Record<string, ToolMapping>;
  default: DefaultRule;
  /** how long one cwr_await_suggestion call waits for a decision at most (default 50 s, under MCP's 60 s) */
  awaitTimeoutSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid gateway config:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const AUDIENCES: readonly string[] = ["internal", "external"];
const PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_-]*)+$/;
const MAX_AWAIT_SECONDS = 55;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.trim().length > 0;

export function parseConfig(raw: unknown): GatewayConfig {
  const problems: string[] = [];
  const fail = (path: string, what: string) => problems.push(`${path}: ${what}`);
  if (!isObj(raw)) throw new ConfigError(["$: must be a JSON object"]);
  unknownKeys(raw, ["cwr", "downstream", "tools", "default", "awaitTimeoutSeconds"], "$", fail);

  const cwr = raw.cwr;
  if (!isObj(cwr)) fail("$.cwr", "must be an object {baseUrl, apiKeyEnv}");
  else {
    unknownKeys(cwr, ["baseUrl", "apiKeyEnv", "maxAgeMs"], "$.cwr", fail);
    if (!isText(cwr.baseUrl) || !isHttpUrl(cwr.baseUrl)) fail("$.cwr.baseUrl", "must be an http(s) URL");
    if (!isText(cwr.apiKeyEnv) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(cwr.apiKeyEnv))
      fail("$.cwr.apiKeyEnv", "must name the environment variable holding the agent's API key");
    if (cwr.maxAgeMs !== undefined && !(typeof cwr.maxAgeMs === "number" && cwr.maxAgeMs > 0))
      fail("$.cwr.maxAgeMs", "must be a positive number");
  }

  const downstream = raw.downstream;
  if (!isObj(downstream)) fail("$.downstream", "must be {command, args} or {url}");
  else if ("url" in downstream === "command" in downstream)
    fail("$.downstream", "must have exactly one of command (stdio) or url (Streamable HTTP)");
  else if ("url" in downstream) {
    unknownKeys(downstream, ["url", "headers"], "$.downstream", fail);
    if (!isText(downstream.url) || !isHttpUrl(downstream.url)) fail("$.downstream.url", "must be an http(s) URL");
    stringMap(downstream.headers, "$.downstream.headers", fail);
  } else {
    unknownKeys(downstream, ["command", "args", "env", "cwd"], "$.downstream", fail);
    if (!isText(downstream.command)) fail("$.downstream.command", "must be a non-empty string");
    if (downstream.args !== undefined && !(Array.isArray(downstream.args) && downstream.args.every(isString)))
      fail("$.downstream.args", "must be a list of strings");
    stringMap(downstream.env, "$.downstream.env", fail);
    if (downstream.cwd !== undefined && !isText(downstream.cwd)) fail("$.downstream.cwd", "must be a path");
  }

  const tools = raw.tools ?? {};
  if (!isObj(tools)) fail("$.tools", "must be an object of tool name → {action, audience, subject, parameters}");
  else {
    for (const [name, mapping] of Object.entries(tools)) mappingProblems(mapping, `$.tools.${name}`, true, fail);
    if ("cwr_await_suggestion" in tools) fail("$.tools.cwr_await_suggestion", "is the gateway's own tool");
  }

  const dflt = raw.default ?? "CRAWL";
  if (dflt !== "CRAWL" && dflt !== "forward")
    mappingProblems(dflt, "$.default", false, (p, w) =>
      fail(p, p === "$.default" ? `must be "CRAWL", "forward" or {action, audience, subject}; ${w}` : w),
    );

  const wait = raw.awaitTimeoutSeconds ?? 50;
  if (!(typeof wait === "number" && Number.isFinite(wait) && wait >= 0 && wait <= MAX_AWAIT_SECONDS))
    fail("$.awaitTimeoutSeconds", `must be a number of seconds from 0 to ${MAX_AWAIT_SECONDS}`);

  if (problems.length > 0) throw new ConfigError(problems);
  const d = downstream as Obj;
  return {
    cwr: cwr as GatewayConfig["cwr"],
    downstream:
      "url" in d
        ? { url: d.url as string, ...(d.headers ? { headers: d.headers as Record<string, string> } : {}) }
        : {
            command: d.command as string,
            args: (d.args as string[] | undefined) ?? [],
            ...(d.env ? { env: d.env as Record<string, string> } : {}),
            ...(d.cwd ? { cwd: d.cwd as string } : {}),
          },
    tools: tools as Record<string, ToolMapping>,
    default: dflt as DefaultRule,
    awaitTimeoutSeconds: wait as number,
  };
}

function mappingProblems(
  m: unknown,
  path: string,
  withParameters: boolean,
  fail: (path: string, what: string) => void,
) {
  if (!isObj(m)) return fail(path, "must be an object {action, audience, subject}");
  unknownKeys(
    m,
    withParameters ? ["action", "audience", "subject", "parameters"] : ["action", "audience", "subject"],
    path,
    fail,
  );
  if (!isText(m.action)) fail(`${path}.action`, "must name an action type");
  if (!AUDIENCES.includes(m.audience as string)) fail(`${path}.audience`, `must be "internal" or "external"`);
  if (!isText(m.subject) || !PATH.test(m.subject))
    fail(`${path}.subject`, `must be a JSON path into the arguments, like "$.customer.id"`);
  if (
    withParameters &&
    m.parameters !== undefined &&
    !(Array.isArray(m.parameters) && m.parameters.length > 0 && m.parameters.every(isText))
  )
    fail(`${path}.parameters`, "must be a non-empty list of argument names");
}

function unknownKeys(o: Obj, known: string[], path: string, fail: (path: string, what: string) => void) {
  for (const k of Object.keys(o))
    if (!known.includes(k)) fail(`${path}.${k}`, `unknown key (known: ${known.join(", ")})`);
}

function stringMap(v: unknown, path: string, fail: (path: string, what: string) => void) {
  if (v !== undefined && !(isObj(v) && Object.values(v).every(isString)))
    fail(path, "must be an object of string values");
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** The value at a "$.a.b" path, or undefined. */
export function atPath(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(".").slice(1)) {
    if (!isObj(v) || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = v[key];
  }
  return v;
}
