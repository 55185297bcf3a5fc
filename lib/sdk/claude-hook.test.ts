// The Claude Code hook's pure parts: the config is checked before anything is decided, the subject
// path reads only own properties, and a failed tool is recognised in each shape Claude Code reports.
import { describe, expect, it } from "vitest";
import { parseHookConfig, toolFailed, valueAt } from "./claude-hook";

const good = {
  baseUrl: "http://localhost:3000",
  tools: { tag: { action: "ticket.tag", audience: "external", subject: "$.ticket" } },
};

describe("parseHookConfig", () => {
  it("takes a good config", () => {
    expect(parseHookConfig(good)).toEqual(good);
    expect(parseHookConfig({ ...good, unmapped: "deny", apiKeyEnv: "K", timeoutMs: 100 }).unmapped).toBe("deny");
  });

  it.each([
    ["not an object", []],
    ["no baseUrl", { tools: {} }],
    ["a baseUrl that is not http", { ...good, baseUrl: "file:///etc/passwd" }],
    ["an unknown unmapped rule", { ...good, unmapped: "WALK" }],
    ["an audience of its own", { ...good, tools: { tag: { ...good.tools.tag, audience: "everyone" } } }],
    ["no action", { ...good, tools: { tag: { audience: "external", subject: "$.x" } } }],
    ["no subject path", { ...good, tools: { tag: { action: "a", audience: "internal" } } }],
    ["parameters that are not keys", { ...good, tools: { tag: { ...good.tools.tag, parameters: [1] } } }],
    ["a bad timeout", { ...good, timeoutMs: -1 }],
  ])("refuses %s", (_, raw) => {
    expect(() => parseHookConfig(raw)).toThrow(/cwr-claude-hook config/);
  });
});

describe("valueAt", () => {
  it("follows $.a.b and a.0 paths through own properties only", () => {
    const input = { customer: { id: "c-1" }, list: ["x", "y"] };
    expect(valueAt(input, "$.customer.id")).toBe("c-1");
    expect(valueAt(input, "customer.id")).toBe("c-1");
    expect(valueAt(input, "list.1")).toBe("y");
    expect(valueAt(input, "$.missing.id")).toBeUndefined();
    expect(valueAt(input, "customer.constructor")).toBeUndefined();
    expect(valueAt(input, "__proto__")).toBeUndefined();
  });
});

describe("toolFailed", () => {
  it.each([
    [{ tool_response: { isError: true } }, true],
    [{ tool_response: { success: false } }, true],
    [{ tool_response: { error: "ENOENT" } }, true],
    [{ tool_response: { interrupted: true, stdout: "" } }, true],
    [{ hook_event_name: "PostToolUseFailure", tool_response: {} }, true],
    [{ tool_response: { success: true } }, false],
    [{ tool_response: { stdout: "ok", stderr: "", interrupted: false } }, false],
    [{ tool_response: "plain text" }, false],
    [{}, false],
  ])("%j → %s", (input, failed) => {
    expect(toolFailed(input)).toBe(failed);
  });
});
