"use server";
import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/auth";
import { safeCallbackUrl } from "@/lib/auth/callback";

export interface SignInState {
  error: string | null;
}

export async function signInWithPassword(_prev: SignInState, form: FormData): Promise<SignInState> {
  if (!(form instanceof FormData)) return { error: "Wrong email or password." };
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirectTo: safeCallbackUrl(form.get("callbackUrl")),
    });
    return { error: null };
  } catch (e) {
    if (e instanceof AuthError && (e as { code?: string }).code === "rate_limited")
      return {
        error: "Too many failed attempts from here, or too many sign-ins at once. Wait a little and try again.",
      };
    if (e instanceof AuthError) return { error: "Wrong email or password." };
    throw e; // the redirect after a successful sign-in
  }
}

export async function signInWithOidc(form: FormData): Promise<void> {
  if (!(form instanceof FormData)) return;
  await signIn("oidc", { redirectTo: safeCallbackUrl(form.get("callbackUrl")) });
}
