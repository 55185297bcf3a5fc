/** Only same-site paths: an open redirect would hand a signed-in user to someone else's page. */
export function safeCallbackUrl(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}
