// The one wrapper for server actions: session → role → zod → mutation → result. Mutations write
// their own audit entry inside their transaction; this layer turns every failure into the error model.
import type { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import type { UserPrincipal } from "@/lib/auth/actor";
import { can, type Permission } from "@cwr/gating/permissions";
import { getDb, type Db } from "@/lib/db";
import { AppError, toAppError, type ErrorBody } from "@/lib/errors";
import { httpStatus } from "./errors";
import { zodError } from "@/lib/errors/zod";
import { logError } from "@/lib/log";

export type ActionFailure = { ok: false } & ErrorBody;
export type ActionResult<T> = { ok: true; data: T } | ActionFailure;

/**
 * A server action as a page hands it to a form: the input its schema accepts and the result its
 * mutation returns, so the form's success callback reads the data without a cast. (The server still
 * parses whatever arrives: the input type is a promise to the caller, not a check.)
 */
export type ServerAction<I, T> = (input: I) => Promise<ActionResult<T>>;

export interface ActionContext<I> {
  user: UserPrincipal;
  db: Db;
  input: I;
}

export function defineAction<S extends z.ZodType, T>(options: {
  name: string;
  permission: Permission;
  input: S;
  run: (ctx: ActionContext<z.output<S>>) => Promise<T>;
}): ServerAction<z.input<S>, T> {
  return async (raw) => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("unauthenticated", "Your session has ended. Sign in again.");
      if (!can(user.role, options.permission))
        throw new AppError("forbidden", `Your role (${user.role}) may not do this.`);
      const parsed = options.input.safeParse(raw);
      if (!parsed.success) throw zodError(parsed.error, "Some fields are not valid.");
      const data = await options.run({ user, db: await getDb(), input: parsed.data });
      return { ok: true, data };
    } catch (e) {
      const err = toAppError(e);
      if (httpStatus(err) >= 500) logError(`action ${options.name} failed`, e);
      return { ok: false, ...err.toBody() };
    }
  };
}

/**
 * An action for someone without a session (the invitation page): zod → mutation → result, the same
 * error model. Only for flows whose input itself is the credential (a single-use token).
 */
export function definePublicAction<S extends z.ZodType, T>(options: {
  name: string;
  input: S;
  run: (ctx: { db: Db; input: z.output<S> }) => Promise<T>;
}): ServerAction<z.input<S>, T> {
  return async (raw) => {
    try {
      const parsed = options.input.safeParse(raw);
      if (!parsed.success) throw zodError(parsed.error, "Some fields are not valid.");
      return { ok: true, data: await options.run({ db: await getDb(), input: parsed.data }) };
    } catch (e) {
      const err = toAppError(e);
      if (httpStatus(err) >= 500) logError(`action ${options.name} failed`, e);
      return { ok: false, ...err.toBody() };
    }
  };
}
