/**
 * The one check every redirect target goes through (sign-in's callbackUrl, next-auth's redirect
 * callback): only same-site paths, because an open redirect hands a signed-in user to someone else's
 * page. The target is resolved FIRST (dot segments removed, as the browser will) and the result is
 * what gets checked and returned: checking the input and returning the resolved path let
 * "/.//evil.example" out as "//evil.example" (issue 21). Any control or whitespace character is
 * refused outright (browsers drop TAB/CR/LF from URLs, so "/\t/evil.example" becomes
 * "//evil.example"; CR/LF would also break the Location header).
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  if (UNSAFE_CHAR.test(value) || !value.startsWith("/")) return "/";
  let resolved: string;
  try {
    const base = "http://same-site.invalid";
    const url = new URL(value, base);
    if (url.origin !== base) return "/";
    resolved = url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
  return isSameSitePath(resolved) ? resolved : "/";
}

/** Control, format, separator and whitespace characters, and "\" (read as "/" by browsers). */
const UNSAFE_CHAR = /[\p{Cc}\p{Cf}\p{Z}\s\\]/u;

/** A path a browser resolves against this site: one leading "/", never "//" (an authority), no scheme. */
function isSameSitePath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !UNSAFE_CHAR.test(path);
}
