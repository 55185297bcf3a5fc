// next-auth v5: demo credentials on the embedded default, OpenID Connect when configured.
// Sessions are JWTs holding only the user id; the role is re-read from the database on every
// request (lib/auth/session.ts) so a role change or a disabled account takes effect at once.
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { authSecret } from "./secret";
import { verifyPassword } from "./password";
import { getDb } from "@/lib/db";
import { recordLogin, upsertOidcUser } from "@/lib/users/mutations";
import { clearLoginFailures, loginBlockedFor, recordLoginFailure } from "./login-limit";
import { log } from "@/lib/log";

/** Too many failed attempts: the sign-in form says so instead of "wrong password". */
export class LoginRateLimited extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsInput = z.object({ email: z.string().trim().toLowerCase().email().max(200), password: z.string().min(1).max(200) });

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
          const address = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "local";
          const wait = loginBlockedFor(parsed.data.email, address);
          if (wait > 0) {
            log("warn", "sign-in rate limited", { account: parsed.data.email, retryAfterSeconds: wait });
            throw new LoginRateLimited();
          }
          const db = await getDb();
          const user = await db.user.findUnique({ where: { email: parsed.data.email } });
          const ok = await verifyPassword(parsed.data.password, user?.passwordHash);
          if (!user || !ok || user.disabled) {
            recordLoginFailure(parsed.data.email, address);
            return null;
          }
          clearLoginFailures(parsed.data.email);
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
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  pages: { signIn: "/signin" },
  providers: providers(),
  callbacks: {
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      if (!user.email) return false;
      const db = await getDb();
      const local = await upsertOidcUser(db, { email: user.email, name: user.name ?? user.email });
      if (local.disabled) return false;
      user.id = local.id;
      return true;
    },
    async jwt({ token, user }) {
      if (user?.id) token.uid = user.id;
      return token;
    },
    async session({ session, token }) {
      if (typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
      return session;
    },
  },
}));
