import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback";

describe("safeCallbackUrl", () => {
  it("keeps same-site paths and refuses everything that could leave the site", () => {
    expect(safeCallbackUrl("/requests/1?x=1")).toBe("/requests/1?x=1");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "", null, undefined, 42]) expect(safeCallbackUrl(bad)).toBe("/");
  });
});
