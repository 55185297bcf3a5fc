// Structured JSON logs on stdout. Never log secrets: keys, passwords, tokens or raw bodies.
type Level = "info" | "warn" | "error";

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

export function logError(message: string, error: unknown, fields: Record<string, unknown> = {}): void {
  const e = error as { name?: string; message?: string; code?: string; stack?: string };
  log("error", message, { ...fields, error: { name: e?.name, message: e?.message, code: e?.code, stack: e?.stack } });
}
