/**
 * Only same-site paths: an open redirect would hand a signed-in user to someone else's page. Any
 * control or whitespace character is refused outright (browsers drop TAB/CR/LF from URLs, so
 * "/\t/evil.example" becomes "//evil.example"; CR/LF would also break the Location header), and what
 * is left must resolve to this site.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000) return "/";
  if (/[\p{Cc}\p{Cf}\p{Z}\s\\]/u.test(value)) return "/";
  if (!value.startsWith("/") || value.startsWith("//")) return "/";
  try {
    const base = "http://same-site.invalid";
    const resolved = new URL(value, base);
    if (resolved.origin !== base) return "/";
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return "/";
  }
}
