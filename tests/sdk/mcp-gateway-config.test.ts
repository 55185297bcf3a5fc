// The gateway's config file is checked by hand (the SDK has no schema library): every problem is
// named by its JSON path, all at once, and nothing half-valid is accepted.
import { describe, expect, it } from "vitest";
import { ConfigError, atPath, parseConfig } from "@cwr/sdk/mcp-gateway/config";
import { parseArgs } from "@cwr/sdk/mcp-gateway/main";

const valid = {
  cwr: { baseUrl: "http://localhost:3000", apiKeyEnv: "CWR_API_KEY" },
  downstream: { command: "npx", args: ["helpdesk-mcp"] },
  tools: {
    issue_refund: { action: "refund.issue", audience: "external", subject: "$.customer.id", parameters: ["order"] },
  },
};

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("gateway config", () => {
  it("accepts a valid config and fills the defaults (unmapped tools: CRAWL; await: 50 s)", () => {
    const config = parseConfig(valid);
    expect(config.default).toBe("CRAWL");
    expect(config.awaitTimeoutSeconds).toBe(50);
    expect(config.downstream).toEqual({ command: "npx", args: ["helpdesk-mcp"] });
    expect(parseConfig({ ...valid, downstream: { url: "https://mcp.example/mcp" } }).downstream).toEqual({
      url: "https://mcp.example/mcp",
    });
  });

  it("names every problem by its path", () => {
    const found = problems({
      cwr: { baseUrl: "ftp://x", apiKeyEnv: "not a name" },
      downstream: { command: "x", url: "http://y" },
      tools: {
        a: { action: "", audience: "everyone", subject: "customer", parameters: [] },
        cwr_await_suggestion: { action: "x.y", audience: "internal", subject: "$.id" },
      },
      default: "RUN",
      awaitTimeoutSeconds: 600,
      extra: true,
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.extra: unknown key/),
        expect.stringMatching(/^\$\.cwr\.baseUrl: /),
        expect.stringMatching(/^\$\.cwr\.apiKeyEnv: /),
        expect.stringMatching(/^\$\.downstream: must have exactly one of command/),
        expect.stringMatching(/^\$\.tools\.a\.action: /),
        expect.stringMatching(/^\$\.tools\.a\.audience: /),
        expect.stringMatching(/^\$\.tools\.a\.subject: /),
        expect.stringMatching(/^\$\.tools\.a\.parameters: /),
        expect.stringMatching(/^\$\.tools\.cwr_await_suggestion: is the gateway's own tool/),
        expect.stringMatching(/^\$\.default: must be "CRAWL", "forward" or/),
        expect.stringMatching(/^\$\.awaitTimeoutSeconds: /),
      ]),
    );
    expect(found).toHaveLength(11);
  });

  it("refuses what is not an object, and a default action with parameters", () => {
    expect(problems(null)).toEqual(["$: must be a JSON object"]);
    expect(problems([valid])).toEqual(["$: must be a JSON object"]);
    expect(
      problems({ ...valid, default: { action: "a.b", audience: "internal", subject: "$.x", parameters: ["x"] } }),
    ).toEqual([expect.stringMatching(/^\$\.default\.parameters: unknown key/)]);
  });

  it("reads a subject path only through own properties", () => {
    expect(atPath({ customer: { id: "c-1" } }, "$.customer.id")).toBe("c-1");
    expect(atPath({ customer: "c-1" }, "$.customer.id")).toBeUndefined();
    expect(atPath({}, "$.constructor")).toBeUndefined();
    expect(atPath({ a: ["x"] }, "$.a.0")).toBeUndefined();
  });

  it("parses the command line", () => {
    expect(parseArgs(["--config", "g.json"])).toEqual({ config: "g.json", http: null });
    expect(parseArgs(["--config", "g.json", "--http", "8080"])).toEqual({
      config: "g.json",
      http: { port: 8080, host: "127.0.0.1" },
    });
    expect(() => parseArgs([])).toThrow(/--config is required/);
    expect(() => parseArgs(["--config", "g.json", "--http", "x"])).toThrow(/port/);
    expect(() => parseArgs(["--config", "--http", "1"])).toThrow(/needs a value/);
    expect(() => parseArgs(["--config", "g.json", "--verbose"])).toThrow(/unknown argument/);
  });
});
