// The one base of every URL the product hands out (stream URLs, links in messages, redirects, the
// OpenAPI server): the operator's PUBLIC_URL, else AUTH_URL, with its own scheme. Never a request's
// Host header, which anyone can set (issue 21: a forged Host received the signed stream token).
const FALLBACK_HOST = "localhost";

/** e.g. "https://cwr.example.com" or "https://example.com/cwr" (no trailing slash). */
export function publicBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.PUBLIC_URL?.trim() || env.AUTH_URL?.trim();
  if (!configured) return `http://${FALLBACK_HOST}:${env.PORT?.trim() || 3000}`;
  const url = new URL(configured); // an unparsable value fails at start (lib/boot.ts), not here
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** An absolute public URL of one of our own paths ("/requests/1" → "https://…/requests/1"). */
export function publicUrl(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return publicBaseUrl(env) + (path.startsWith("/") ? path : `/${path}`);
}

/** One clear line when PUBLIC_URL / AUTH_URL is set but is no http(s) URL; null when fine. */
export function publicUrlProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const name of ["PUBLIC_URL", "AUTH_URL"] as const) {
    const value = env[name]?.trim();
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `${name} (${value}) is not a URL; set it to the address people and agents reach the app at, e.g. https://cwr.example.com.`;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return `${name} (${value}) must be an http:// or https:// URL.`;
    if (url.search || url.hash || url.username || url.password)
      return `${name} (${value}) must hold no query, fragment or credentials.`;
  }
  return null;
}
