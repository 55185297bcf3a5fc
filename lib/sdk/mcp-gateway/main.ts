// cwr-mcp-gateway's command line: `--config gateway.json` and, with `--http PORT [--host HOST]`,
// Streamable HTTP at /mcp; stdio otherwise. Logs go to stderr (stdout is the protocol over stdio).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { createClient } from "../client";
import { ConfigError, parseConfig, type GatewayConfig } from "./config";
import { connectDownstream, McpGateway } from "./gateway";

export interface CliOptions {
  config: string;
  http: { port: number; host: string } | null;
}

export const USAGE = "usage: cwr-mcp-gateway --config gateway.json [--http PORT [--host 127.0.0.1]]";

export function parseArgs(argv: string[]): CliOptions {
  let config: string | undefined;
  let port: number | undefined;
  let host = "127.0.0.1";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === "--config") config = value();
    else if (a === "--http") {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--http needs a port number\n${USAGE}`);
    } else if (a === "--host") host = value();
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!config) throw new Error(`--config is required\n${USAGE}`);
  return { config, http: port === undefined ? null : { port, host } };
}

export function loadConfig(file: string): GatewayConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError([`${file}: cannot be read as JSON (${e instanceof Error ? e.message : String(e)})`]);
  }
  return parseConfig(raw);
}

function log(line: string) {
  process.stderr.write(`cwr-mcp-gateway: ${line}\n`);
}

export async function main(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  const config = loadConfig(options.config);
  const apiKey = process.env[config.cwr.apiKeyEnv];
  if (!apiKey) throw new Error(`the environment variable ${config.cwr.apiKeyEnv} (cwr.apiKeyEnv) holds no API key`);
  const cwr = createClient({ baseUrl: config.cwr.baseUrl, apiKey, maxAgeMs: config.cwr.maxAgeMs });
  // Serving before the tiers arrive is safe (every answer is CRAWL until then), but a first call
  // would become a suggestion needlessly: wait a little for them.
  if (!(await cwr.ready(10_000)))
    log(`no tiers yet (${cwr.status().lastError?.message ?? "no answer"}): calls are suggested until they arrive`);
  const downstream = await connectDownstream(config.downstream);
  const gateway = new McpGateway(config, cwr, downstream);

  let stopHttp: () => Promise<void> = async () => {};
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stopHttp();
    await downstream.close().catch(() => {});
    await cwr.close({ timeoutMs: 3000 }); // sends the outcomes still queued
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());

  if (!options.http) {
    const transport = new StdioServerTransport();
    transport.onclose = () => void stop();
    process.stdin.on("end", () => void stop());
    await gateway.server().connect(transport);
    log("serving MCP over stdio");
    return;
  }
  stopHttp = await serveHttp(gateway, options.http);
}

async function serveHttp(
  gateway: McpGateway,
  { port, host }: { port: number; host: string },
): Promise<() => Promise<void>> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const loopback = host === "127.0.0.1" || host === "localhost" || host === "::1";
  const http = createServer((req, res) => {
    handle(req, res).catch((e) => {
      log(`request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) jsonRpcError(res, 500, -32603, "internal error");
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (url.pathname !== "/mcp") return jsonRpcError(res, 404, -32000, "not found: the MCP endpoint is /mcp");
    // Bound to loopback, only loopback names are served: a web page cannot reach it by DNS rebinding.
    if (loopback && !isLoopbackHost(req.headers.host))
      return jsonRpcError(res, 403, -32000, `host ${req.headers.host ?? "(none)"} is not allowed`);
    const sid = req.headers["mcp-session-id"];
    if (typeof sid === "string") {
      const transport = sessions.get(sid);
      if (!transport) return jsonRpcError(res, 404, -32001, "session not found");
      return transport.handleRequest(req, res);
    }
    if (req.method !== "POST") return jsonRpcError(res, 400, -32000, "no session: POST initialize first");
    const body = await readJson(req);
    if (body === undefined) return jsonRpcError(res, 400, -32700, "the body is not JSON");
    if (!isInitializeRequest(body)) return jsonRpcError(res, 400, -32000, "no session: POST initialize first");
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await gateway.server().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address();
  log(`listening ${typeof address === "object" && address ? address.port : port} (Streamable HTTP at /mcp)`);
  return async () => {
    for (const t of sessions.values()) await t.close().catch(() => {});
    await new Promise<void>((resolve) => http.close(() => resolve()));
  };
}

function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  return name === "localhost" || name === "127.0.0.1" || name === "[::1]";
}

const MAX_BODY = 4 * 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
