// The error model is closed: every code the gating core can refuse with is a known code, every
// known code has exactly one HTTP status at the edge, and OpenAPI lists the codes as an enum.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { OpenRefusal } from "@cwr/gating/request-open";
import type { TransitionErrorCode } from "@cwr/gating/request-machine";
import type { RoleGrantRefusal } from "@cwr/gating/role-grants";
import { ERROR_STATUS, httpStatus } from "@/lib/http/errors";
import { openApiDocument } from "@/lib/http/openapi";
import { AppError, domainError, ERROR_CODES, isErrorCode, toAppError, type ErrorCode } from ".";

describe("lib/errors", () => {
  it("holds every refusal code of the gating core", () => {
    expectTypeOf<TransitionErrorCode | OpenRefusal | RoleGrantRefusal>().toExtend<ErrorCode>();
  });

  it("maps every code to one status, and nothing else", () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(httpStatus(new AppError("self_review", "x"))).toBe(403);
    expect(httpStatus(new AppError("rationale_too_short", "x"))).toBe(422);
    expect(httpStatus(domainError({ code: "stale_snapshot", message: "moved" }))).toBe(409);
    expect(httpStatus(new AppError("invalid_context", "x"))).toBe(400);
    expect(httpStatus(toAppError(new Error("secret detail")))).toBe(500);
    expect(isErrorCode("made_up")).toBe(false);
  });

  it("documents the codes as an enum in OpenAPI", () => {
    const doc = openApiDocument() as {
      components: { schemas: Record<string, { properties: { error: { properties: { code: { enum?: string[] } } } } }> };
    };
    expect(doc.components.schemas.Error!.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
  });
});
