// The MCP gateway (SPEC §8): an MCP server in front of one downstream MCP server. It lists the
// downstream's tools unchanged and puts the SDK's guard between each call and the downstream:
// a call is forwarded only where the tier allows it (and its outcome reported); in CRAWL, or on any
// doubt, it becomes a suggestion a person decides, and `cwr_await_suggestion` carries out the accepted
// call once. The enforcement is the guard's (lib/sdk/guard.ts); this file only translates MCP to it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type ListToolsResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { CwrClient } from "../client";
import type { Parameters } from "../guard";
import { atPath, type DefaultRule, type Downstream, type GatewayConfig, type ToolMapping } from "./config";

export const AWAIT_TOOL = "cwr_await_suggestion";
/** where the gateway says what it did, in every result it returns (MCP's `_meta`, reverse-DNS keyed) */
export const META_KEY = "dev.cwr/gateway";
const MAX_REMEMBERED = 10_000;
export const GATEWAY_INFO = { name: "cwr-mcp-gateway", version: "0.3.0" };

const AWAIT_TOOL_DEF: Tool = {
  name: AWAIT_TOOL,
  title: "Carry out an accepted suggestion",
  description:
    "A call this gateway did not carry out went to a person as a suggestion. Call this with the suggestion's id: " +
    "it waits for their decision and, once accepted, carries out the accepted call exactly once and returns its " +
    "result. A rejected, expired or already used suggestion is not carried out.",
  inputSchema: {
    type: "object",
    properties: {
      id: { type: "string", description: "the suggestion's id, from the tool result that made it" },
      waitSeconds: { type: "number", minimum: 0, description: "how long to wait for the decision (bounded)" },
    },
    required: ["id"],
  },
};

/** How one call maps to an action: what is guarded, and how the (accepted) parameters become a call. */
interface Route {
  action: string;
  audience: ToolMapping["audience"];
  subjectPath: string;
  parameters: Parameters;
  /** the downstream call that carries out exactly these parameters */
  call(parameters: Parameters): { name: string; arguments: Record<string, unknown> };
}

/** A call's rule: its own mapping, or the config's default for unmapped tools. */
type Rule = { mapping: ToolMapping } | { default: DefaultRule };

/** A downstream result with isError, thrown inside the guard's act so the guard reports it escalated. */
class DownstreamToolError extends Error {
  constructor(readonly result: CallToolResult) {
    super("the downstream tool returned an error");
  }
}

export class McpGateway {
  /** suggestion id → the tool and rule it came from (one made by another process is found by its action) */
  private readonly suggested = new Map<string, { tool: string; rule: Rule }>();
  /** the config's mappings by exact name (a Map: a tool called "constructor" maps to nothing inherited) */
  private readonly mappings: Map<string, ToolMapping>;
  /** mapped tool names folded (case, width, spaces), to keep look-alikes from being forwarded unguarded */
  private readonly folded: Map<string, string>;
  /** tools whose results the client validates against an output schema (they must then return structuredContent) */
  private readonly withOutputSchema = new Set<string>();

  constructor(
    private readonly config: GatewayConfig,
    private readonly cwr: CwrClient,
    private readonly downstream: Client,
  ) {
    this.mappings = new Map(Object.entries(config.tools));
    this.folded = new Map([...this.mappings.keys()].map((name) => [fold(name), name]));
  }

  /** A low-level MCP server answering tools/list and tools/call; one per client session. */
  server(): Server {
    const server = new Server(GATEWAY_INFO, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, (request) => this.listTools(request.params?.cursor));
    server.setRequestHandler(CallToolRequestSchema, (request) =>
      this.callTool(request.params.name, request.params.arguments ?? {}),
    );
    return server;
  }

  async listTools(cursor?: string): Promise<ListToolsResult> {
    const page = await this.downstream.listTools(cursor === undefined ? undefined : { cursor });
    for (const t of page.tools) if (t.outputSchema) this.withOutputSchema.add(t.name);
    // The downstream's page as it is; the gateway's own tool closes the last page.
    return page.nextCursor ? page : { ...page, tools: [...page.tools, AWAIT_TOOL_DEF] };
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    if (name === AWAIT_TOOL) return this.awaitSuggestion(args);
    const mapping = this.mappings.get(name);
    const rule: Rule = mapping ? { mapping } : { default: this.config.default };
    const route = this.route(name, args, rule);
    if (typeof route === "string") {
      if (route === "forward") return this.downstream.callTool({ name, arguments: args }) as Promise<CallToolResult>;
      return refusal(route);
    }
    const subject = atPath(args, route.subjectPath);
    if (!(typeof subject === "string" && subject.length > 0) && !(typeof subject === "number" && isFinite(subject)))
      return refusal(`Not carried out: ${name} has no subject at ${route.subjectPath} in its arguments.`);
    let outcome;
    try {
      outcome = await this.cwr.guard(
        {
          action: route.action,
          audience: route.audience,
          subject: String(subject),
          summary: summaryOf(name, route.parameters),
          parameters: route.parameters,
        },
        async (parameters) => {
          const result = (await this.downstream.callTool(route.call(parameters))) as CallToolResult;
          if (result.isError) throw new DownstreamToolError(result);
          return result;
        },
      );
    } catch (e) {
      // The guard ran the call and reported action.escalated before re-throwing.
      if (e instanceof DownstreamToolError) return withMeta(e.result, { status: "escalated" });
      return refusal(`The downstream failed to carry out ${name}: ${message(e)} (reported as escalated).`, {
        status: "escalated",
      });
    }
    if (outcome.status === "acted")
      return withMeta(outcome.result, { status: "acted", tier: outcome.tier, reported: outcome.reported });
    if (outcome.status === "unavailable")
      return refusal(`Not carried out, and no suggestion could be made: ${outcome.reason}`, { status: "unavailable" });
    const { id, expiresAt } = outcome.proposal;
    this.remember(id, { tool: name, rule });
    return {
      content: [
        {
          type: "text",
          text:
            `Not carried out yet: this call went to a person as suggestion ${id} (${outcome.reason}). ` +
            `Once they accept it (they may edit it), call ${AWAIT_TOOL} with {"id": "${id}"} to carry out the ` +
            `accepted call once. It expires at ${expiresAt}.`,
        },
      ],
      // A client validating an output schema would refuse a result without structuredContent; for those
      // tools the suggestion says "not carried out" as an error result instead.
      ...(this.withOutputSchema.has(name) ? { isError: true } : {}),
      _meta: { [META_KEY]: { status: "suggested", proposal: { id, expiresAt } } },
    };
  }

  /** cwr_await_suggestion: waits (bounded) for the decision; on acceptance runs the accepted call once. */
  private async awaitSuggestion(args: Record<string, unknown>): Promise<CallToolResult> {
    const id = args.id;
    if (typeof id !== "string" || id.length === 0) return refusal(`${AWAIT_TOOL} needs {"id": "<suggestion id>"}.`);
    const max = this.config.awaitTimeoutSeconds;
    const wait = typeof args.waitSeconds === "number" && args.waitSeconds >= 0 ? Math.min(args.waitSeconds, max) : max;
    try {
      let origin = this.suggested.get(id);
      if (origin === undefined) {
        origin = this.originOfAction((await this.cwr.awaitDecision(id, { timeoutMs: 0 })).action);
        if (origin === undefined)
          return refusal(`Not carried out: suggestion ${id} is not for any tool of this gateway.`);
      }
      const { tool, rule } = origin;
      const result = await this.cwr.awaitDecision(
        id,
        async (parameters) => {
          // The accepted parameters, exactly: the grant was consumed with their digest.
          const route = this.route(tool, {}, rule);
          if (typeof route === "string") throw new Error(route);
          return (await this.downstream.callTool(route.call(parameters))) as CallToolResult;
        },
        { timeoutMs: wait * 1000 },
      );
      if (result.status !== "pending") this.suggested.delete(id); // decided: its grant is used or gone
      if (result.status === "acted") return withMeta(result.result, { status: "acted", proposal: { id } });
      if (result.status === "pending")
        return {
          content: [
            {
              type: "text",
              text: `Suggestion ${id} is still pending: nobody has decided it yet. Nothing was carried out; call ${AWAIT_TOOL} again later.`,
            },
          ],
          _meta: { [META_KEY]: { status: "pending", proposal: { id } } },
        };
      return refusal(`Not carried out: suggestion ${id} was ${result.status}: ${result.reason}.`, {
        status: result.status,
        proposal: { id },
      });
    } catch (e) {
      // Before the grant was consumed nothing ran; after it, the downstream itself failed.
      return refusal(`Suggestion ${id} could not be carried out: ${message(e)}`, { status: "error", proposal: { id } });
    }
  }

  /** The route of a call, or why there is none ("forward" forwards unguarded). */
  private route(name: string, args: Record<string, unknown>, rule: Rule): Route | string {
    if ("mapping" in rule) {
      const { mapping } = rule;
      const keys = mapping.parameters;
      return {
        action: mapping.action,
        audience: mapping.audience,
        subjectPath: mapping.subject,
        // Only the parameters are decided, so only they are forwarded, in every tier.
        parameters: keys ? pick(args, keys) : { ...args },
        call: (p) => ({ name, arguments: keys ? pick(p, keys) : { ...p } }),
      };
    }
    const d = rule.default;
    if (d === "forward") {
      // A downstream that resolves names loosely would run the mapped tool unguarded.
      const twin = this.folded.get(fold(name));
      return twin === undefined
        ? "forward"
        : `Not carried out: the tool ${name} looks like the mapped tool ${twin}; call it by its exact name.`;
    }
    if (d === "CRAWL")
      return (
        `Not carried out: the tool ${name} is not mapped to an action type in the gateway's config, and the ` +
        `default for unmapped tools is CRAWL (a person acts). Map it under "tools" to have calls suggested.`
      );
    // The default action: the whole call is the parameters, so a person decides tool and arguments.
    return {
      action: d.action,
      audience: d.audience,
      subjectPath: d.subject,
      parameters: { tool: name, arguments: { ...args } },
      call: (p) => {
        if (typeof p.tool !== "string" || typeof p.arguments !== "object" || p.arguments === null)
          throw new Error("the accepted parameters are not {tool, arguments}");
        return { name: p.tool, arguments: p.arguments as Record<string, unknown> };
      },
    };
  }

  /** Remembers where a suggestion came from; the oldest are forgotten first (then found by their action). */
  private remember(id: string, origin: { tool: string; rule: Rule }) {
    this.suggested.set(id, origin);
    if (this.suggested.size > MAX_REMEMBERED) this.suggested.delete(this.suggested.keys().next().value!);
  }

  /** Where a suggestion of `action` came from when this process did not make it: its one tool, or the default. */
  private originOfAction(action: string): { tool: string; rule: Rule } | undefined {
    const tools = [...this.mappings].filter(([, m]) => m.action === action);
    if (tools.length === 1) return { tool: tools[0]![0], rule: { mapping: tools[0]![1] } };
    const d = this.config.default;
    // The default action's parameters name their tool themselves ({tool, arguments}): no tool is needed here.
    if (tools.length === 0 && typeof d === "object" && d.action === action)
      return { tool: AWAIT_TOOL, rule: { default: d } };
    return undefined;
  }
}

/** A name as a loose resolver might see it: compatibility forms, case and surrounding spaces folded. */
function fold(name: string): string {
  return name.normalize("NFKC").trim().toLowerCase();
}

function pick(args: Record<string, unknown>, keys: string[]): Parameters {
  const out: Parameters = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(args, k)) out[k] = args[k];
  return out;
}

/** One line a person reads; the server refuses control characters and more than 280 characters. */
function summaryOf(tool: string, parameters: Parameters): string {
  const line = `${tool} ${JSON.stringify(parameters)}`.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  const chars = Array.from(line);
  return chars.length <= 280 ? line : chars.slice(0, 279).join("") + "…";
}

function refusal(text: string, meta: Record<string, unknown> = { status: "refused" }): CallToolResult {
  return { content: [{ type: "text", text }], isError: true, _meta: { [META_KEY]: meta } };
}

function withMeta(result: CallToolResult, meta: Record<string, unknown>): CallToolResult {
  return { ...result, _meta: { ...result._meta, [META_KEY]: meta } };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An MCP client connected to the downstream: a command over stdio, or a URL over Streamable HTTP. */
export async function connectDownstream(downstream: Downstream): Promise<Client> {
  const client = new Client({ name: GATEWAY_INFO.name, version: GATEWAY_INFO.version });
  if ("url" in downstream)
    await client.connect(
      new StreamableHTTPClientTransport(new URL(downstream.url), { requestInit: { headers: downstream.headers } }),
    );
  else
    await client.connect(
      new StdioClientTransport({
        command: downstream.command,
        args: downstream.args,
        // The downstream inherits only the SDK's safe defaults plus what the config gives it: never the
        // gateway's own CWR key.
        env: { ...getDefaultEnvironment(), ...downstream.env },
        cwd: downstream.cwd,
        stderr: "inherit",
      }),
    );
  return client;
}
