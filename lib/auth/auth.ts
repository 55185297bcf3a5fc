// next-auth v5: demo credentials on the embedded default, OpenID Connect when configured.
// The JWT names the user and a server-side session (user_sessions); every request re-reads the
// user (role, disabled) and checks the session is still open, so sign-out, a role change or a
// disabled account take effect at once (SPEC §6).
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authSecret } from "./secret";
import { verifyPassword } from "./password";
import { HashQueueFull } from "./hash-queue";
import { safeCallbackUrl } from "./callback";
import { publicBaseUrl } from "@/lib/urls/public-url";
import { oidcRolesClaim, roleFromClaim } from "./oidc-roles";
import { getDb } from "@/lib/db";
import { openSession, recordLogin, revokeSession, upsertOidcUser } from "@/lib/users/mutations";
import { clearLoginFailures, loginBlockedFor, recordLoginFailure } from "./login-limit";
import { clientAddress } from "@/lib/http/client-address";
import { log } from "@/lib/log";

/** Too many failed attempts: the sign-in form says so instead of "wrong password". */
export class LoginRateLimited extends CredentialsSignin {
  code = "rate_limited";
}

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

const credentialsInput = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  password: z.string().min(1).max(200),
});

export function credentialsEnabled(): boolean {
  const flag = process.env.AUTH_CREDENTIALS;
  if (flag === "on") return true;
  if (flag === "off") return false;
  return !process.env.DATABASE_URL; // demo accounts only on the embedded default
}

export function oidcEnabled(): boolean {
  return Boolean(process.env.AUTH_OIDC_ISSUER && process.env.AUTH_OIDC_CLIENT_ID);
}

function providers(): NextAuthConfig["providers"] {
  const list: NextAuthConfig["providers"] = [];
  if (credentialsEnabled()) {
    list.push(
      Credentials({
        id: "credentials",
        name: "Demo account",
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, request) {
          const parsed = credentialsInput.safeParse(raw);
          if (!parsed.success) return null;
          const address = clientAddress(request.headers);
          const wait = await loginBlockedFor(parsed.data.email, address);
          if (wait > 0) {
            log("warn", "sign-in rate limited", { account: parsed.data.email, address, retryAfterSeconds: wait });
            throw new LoginRateLimited();
          }
          const db = await getDb();
          const user = await db.user.findUnique({ where: { email: parsed.data.email } });
          let ok: boolean;
          try {
            ok = await verifyPassword(parsed.data.password, user?.passwordHash);
          } catch (e) {
            if (e instanceof HashQueueFull) throw new LoginRateLimited();
            throw e;
          }
          if (!user || !ok || user.disabled) {
            await recordLoginFailure(parsed.data.email, address);
            return null;
          }
          await clearLoginFailures(parsed.data.email, address);
          await recordLogin(db, user.id, "credentials");
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    );
  }
  if (oidcEnabled()) {
    list.push({
      id: "oidc",
      name: process.env.AUTH_OIDC_NAME ?? "Single sign-on",
      type: "oidc",
      issuer: process.env.AUTH_OIDC_ISSUER,
      clientId: process.env.AUTH_OIDC_CLIENT_ID,
      clientSecret: process.env.AUTH_OIDC_CLIENT_SECRET,
    });
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/signin" },
  providers: providers(),
  callbacks: {
    async signIn({ user, account, profile }) {
      if (account?.provider !== "oidc") return true;
      if (!user.email) return false;
      const db = await getDb();
      const claim = oidcRolesClaim();
      const role = claim ? roleFromClaim((profile as Record<string, unknown> | undefined)?.[claim]) : undefined;
      const local = await upsertOidcUser(db, {
        email: user.email,
        name: user.name ?? user.email,
        ...(role ? { role } : {}),
      });
      if (local.disabled) return false;
      user.id = local.id;
      return true;
    },
    async jwt({ token, user }) {
      if (user?.id) {
        token.uid = user.id;
        token.sid = await openSession(await getDb(), user.id, SESSION_MAX_AGE_SECONDS);
      }
      return token;
    },
    async session({ session, token }) {
      const u = session.user as { id?: string; sid?: string };
      if (typeof token.uid === "string") u.id = token.uid;
      if (typeof token.sid === "string") u.sid = token.sid;
      return session;
    },
    // Same-site only, whatever next-auth was handed (SPEC §6).
    // Built on the configured public URL, never on the request's Host (SPEC §6).
    async redirect({ url, baseUrl }) {
      const base = publicBaseUrl();
      if (url.startsWith("/")) return base + safeCallbackUrl(url);
      try {
        const u = new URL(url);
        const ours = [new URL(base).origin, new URL(baseUrl).origin];
        if (ours.includes(u.origin)) return base + safeCallbackUrl(u.pathname + u.search + u.hash);
      } catch {
        /* not a URL */
      }
      return base + "/";
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? (message.token as { sid?: unknown } | null)?.sid : undefined;
      if (typeof sid === "string") await revokeSession(await getDb(), sid);
    },
  },
}));
