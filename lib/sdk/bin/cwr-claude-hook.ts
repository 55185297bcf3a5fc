#!/usr/bin/env node
// cwr-claude-hook: the command Claude Code runs for PreToolUse / PostToolUse (lib/sdk/claude-hook.ts).
// Reads the hook's JSON on stdin and the config from `--config <file>` or $CWR_HOOK_CONFIG; prints
// the decision on stdout. Anything that goes wrong before a PreToolUse decision blocks the call.
import { readFileSync } from "node:fs";
import { createClient, type CwrClient } from "../client";
import { claudeHook, denyOnError, hookHost, parseHookConfig, type HookAnswer, type HookInput } from "../claude-hook";

function configPath(argv: string[]): string | undefined {
  const i = argv.indexOf("--config");
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith("--config="));
  return eq ? eq.slice("--config=".length) : process.env.CWR_HOOK_CONFIG;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(): Promise<number> {
  let input: HookInput = {};
  let client: CwrClient | null = null;
  let answer: HookAnswer;
  try {
    input = JSON.parse(await readStdin()) as HookInput;
    const file = configPath(process.argv.slice(2));
    if (!file) throw new Error("no config: pass --config <file> or set CWR_HOOK_CONFIG");
    const config = parseHookConfig(JSON.parse(readFileSync(file, "utf8")));
    const keyEnv = config.apiKeyEnv ?? "CWR_API_KEY";
    const apiKey = process.env[keyEnv];
    if (!apiKey) throw new Error(`no API key: set $${keyEnv}`);
    client = createClient({
      baseUrl: config.baseUrl,
      apiKey,
      stream: false, // one short-lived process per hook: one GET /api/v1/tiers is enough
      pollMs: 3_600_000,
      timeoutMs: config.timeoutMs ?? 5000,
      backoff: { initialMs: 100, maxMs: 1000 },
      reporter: { flushIntervalMs: 60_000 },
    });
    answer = await claudeHook(input, config, hookHost(client));
  } catch (e) {
    // A PreToolUse (or input too broken to tell) gets a decision that blocks; other events an error exit.
    const blocking = input.hook_event_name === undefined || input.hook_event_name === "PreToolUse";
    answer = blocking
      ? denyOnError(e)
      : { output: null, exitCode: 1, note: `failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (answer.output) process.stdout.write(`${JSON.stringify(answer.output)}\n`);
  process.stderr.write(`cwr-claude-hook: ${answer.note}\n`);
  await client?.close({ timeoutMs: 1000 }).catch(() => {});
  return answer.exitCode;
}

// Exit explicitly: a retry timer must not keep Claude Code waiting.
main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
