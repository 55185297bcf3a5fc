// The typed edges, checked by tsc (`npx tsc --noEmit` reads this file; vitest runs it as a smoke):
// route() hands a handler exactly the caller its `auth` names, and a form's success callback gets
// the data type of the server action it calls. A `@ts-expect-error` that stops erroring fails tsc.
import { describe, expectTypeOf, it } from "vitest";
import type { SessionUser } from "@/lib/auth/session";
import type { KeyPrincipal } from "@/lib/keys/data";
import type { createAgentAction, createApiKeyAction } from "@/lib/admin/actions";
import type { useServerAction } from "@/components/ui/ActionForm";
import type { ActionResult, ServerAction } from "./action";
import { route } from "./route";

describe("route() types its caller by auth", () => {
  it("gives a key route its agent and no user", () => {
    route({
      name: "GET /test/key",
      auth: "key",
      handler: async (ctx) => {
        expectTypeOf(ctx.agent).toEqualTypeOf<KeyPrincipal>();
        // @ts-expect-error a key route has no signed-in user
        void ctx.user;
        // @ts-expect-error the principal union is gone
        void ctx.principal;
        return {};
      },
    });
  });

  it("gives a session route its user and no agent", () => {
    route({
      name: "GET /test/session",
      auth: "session",
      permission: "dashboard:read",
      handler: async (ctx) => {
        expectTypeOf(ctx.user).toEqualTypeOf<SessionUser>();
        // @ts-expect-error a session route has no agent
        void ctx.agent;
        return {};
      },
    });
  });

  it("gives a public route neither, and takes a permission only on session routes", () => {
    route({
      name: "GET /test/public",
      auth: "public",
      handler: async (ctx) => {
        // @ts-expect-error a public route has no user
        void ctx.user;
        // @ts-expect-error a public route has no agent
        void ctx.agent;
        return {};
      },
    });
    route({
      name: "GET /test/key-permission",
      auth: "key",
      // @ts-expect-error a key's scope is its agent: route() checks no role for it
      permission: "dashboard:read",
      handler: async () => ({}),
    });
  });
});

describe("server actions keep their result type to the form", () => {
  type DataOf<A> = A extends ServerAction<never, infer T> ? T : never;

  it("types an action's result by what its mutation returns", () => {
    expectTypeOf<DataOf<typeof createAgentAction>>().toEqualTypeOf<{ id: string; slug: string }>();
    expectTypeOf<Awaited<ReturnType<typeof createAgentAction>>>().toEqualTypeOf<
      ActionResult<{ id: string; slug: string }>
    >();
  });

  it("hands useServerAction's success callback the action's data, and types its input", () => {
    // Compiled, never called: a component's call, with the hook and the action as they are typed.
    const form = (hook: typeof useServerAction, create: typeof createApiKeyAction) => {
      const created = hook(create, (key) => {
        expectTypeOf(key).toEqualTypeOf<DataOf<typeof createApiKeyAction>>();
        expectTypeOf(key.secret).toEqualTypeOf<string>();
        // @ts-expect-error the created key has no such field
        void key.hash;
      });
      created.run({ agentId: "a", name: "n" });
      // @ts-expect-error the action's schema takes agentId and name
      created.run({ agent: "a" });
    };
    expectTypeOf(form).toBeFunction();
  });
});
