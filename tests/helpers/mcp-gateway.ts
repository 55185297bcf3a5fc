// The MCP gateway as an MCP client meets it: the real bin (lib/sdk/bin/cwr-mcp-gateway.ts) over stdio
// or Streamable HTTP, in front of the real fixture downstream (tests/fixtures/mcp-downstream.ts), which
// records every call it executes.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { freePort, kill } from "./server";

export const GATEWAY_BIN = "lib/sdk/bin/cwr-mcp-gateway.ts";
export const DOWNSTREAM = "tests/fixtures/mcp-downstream.ts";

export type Transport = "stdio" | "http";

export interface Downstream {
  /** the gateway config's `downstream` */
  config: Record<string, unknown>;
  /** what the downstream executed, in order */
  calls(): Array<{ tool: string; arguments: Record<string, unknown> }>;
  /** an MCP client straight to the downstream (no gateway) */
  connect(): Promise<Client>;
  stop(): Promise<void>;
}

/** The fixture downstream: spawned by whoever connects (stdio), or listening on a port (http). */
export async function startDownstream(transport: Transport): Promise<Downstream> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-mcp-downstream-"));
  const callsFile = path.join(dir, "calls.jsonl");
  const calls = () =>
    existsSync(callsFile)
      ? readFileSync(callsFile, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { tool: string; arguments: Record<string, unknown> })
      : [];
  const args = ["--import", "tsx", DOWNSTREAM];
  if (transport === "stdio") {
    const config = { command: process.execPath, args, env: { CALLS_FILE: callsFile } };
    return {
      config,
      calls,
      connect: () =>
        connect(
          new StdioClientTransport({
            command: process.execPath,
            args,
            env: { ...inheritedEnv(), CALLS_FILE: path.join(dir, "direct.jsonl") },
          }),
        ),
      stop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const port = await freePort();
  const child = spawn(process.execPath, [...args, "--http", String(port)], {
    env: { ...process.env, CALLS_FILE: callsFile },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  await waitForLine(child, /listening/);
  const url = `http://127.0.0.1:${port}/mcp`;
  return {
    config: { url },
    calls,
    connect: () => connect(new StreamableHTTPClientTransport(new URL(url))),
    stop: async () => {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Gateway {
  client: Client;
  logs(): string;
  stop(): Promise<void>;
}

/** Writes `config` to a file and starts the gateway bin on it; returns an MCP client connected to it. */
export async function startGateway(
  transport: Transport,
  config: Record<string, unknown>,
  env: Record<string, string>,
): Promise<Gateway> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cwr-mcp-gateway-"));
  const file = path.join(dir, "gateway.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  const args = ["--import", "tsx", GATEWAY_BIN, "--config", file];
  if (transport === "stdio") {
    const t = new StdioClientTransport({
      command: process.execPath,
      args,
      env: { ...inheritedEnv(), ...env },
      stderr: "pipe",
    });
    let output = "";
    t.stderr?.on("data", (d) => (output += d));
    const client = await connect(t);
    return {
      client,
      logs: () => output,
      stop: async () => {
        await client.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const port = await freePort();
  const child = spawn(process.execPath, [...args, "--http", String(port)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  await waitForLine(child, /listening/);
  const client = await connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return {
    client,
    logs: () => output,
    stop: async () => {
      await client.close();
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: "gateway-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** The tests' own environment (tsx's loader needs PATH and friends), without any CWR key. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("CWR_")) env[k] = v;
  return env;
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}:\n${output}`));
    });
  });
}
