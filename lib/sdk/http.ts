// Shared HTTP plumbing of the SDK: the API's error body, Retry-After, backoff with jitter, timeouts.

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** An answer of the API that was not a success, with the API's error code when it sent one. */
export class CwrApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** from Retry-After, when the server sent one */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "CwrApiError";
  }

  /** Worth retrying: rate limited, timed out or a server-side failure. */
  get transient(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. Capped at 10 minutes. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  let ms: number;
  if (/^[0-9]+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - nowMs;
  }
  return Math.min(Math.max(0, ms), 600_000);
}

export async function apiError(res: Response, nowMs: number): Promise<CwrApiError> {
  let code = `http_${res.status}`;
  let message = `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body?.error && typeof body.error.code === "string") code = body.error.code;
    if (body?.error && typeof body.error.message === "string") message = body.error.message;
    details = body?.error?.details;
  } catch {
    /* not our JSON error body (a proxy's page, an empty body) */
  }
  return new CwrApiError(
    res.status,
    code,
    message,
    details,
    parseRetryAfter(res.headers.get("retry-after"), nowMs) ?? undefined,
  );
}

/** Exponential backoff with "equal jitter": between half and all of min(max, initial·2^attempt). */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}

/** An AbortSignal that fires when `parent` does or after `ms`; `dispose` clears the timer. */
export function timeoutSignal(
  parent: AbortSignal | undefined,
  ms: number,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error(`request timed out after ${ms} ms`)), ms);
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code || cause?.message ? `${e.message} (${cause.code ?? cause.message})` : e.message;
  }
  return String(e);
}
