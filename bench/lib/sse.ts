// A minimal tier-stream client for the benchmark: one streaming fetch, frames parsed as they arrive,
// each frame stamped with performance.now() on arrival.
export interface Frame {
  event: string;
  data: unknown;
  id?: string;
  at: number;
}

export interface StreamClient {
  frames: Frame[];
  /** resolves on the first frame matching `pred` at index ≥ from (or null on timeout) */
  waitFor(pred: (f: Frame) => boolean, timeoutMs: number, from?: number): Promise<Frame | null>;
  close(): void;
}

export function openStream(baseUrl: string, apiKey: string): Promise<StreamClient> {
  return openStreamUrl(`${baseUrl}/api/v1/tiers/stream`, { authorization: `Bearer ${apiKey}` });
}

/** Any SSE stream (the OFREP event stream needs no header: its URL carries the token). */
export async function openStreamUrl(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { ...headers, accept: "text/event-stream" }, signal: ac.signal });
  if (!res.ok || !res.body) throw new Error(`stream: ${res.status}`);
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const at = performance.now();
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const raw = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = "message";
          let data = "";
          let id: string | undefined;
          for (const line of raw.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
            else if (line.startsWith("id:")) id = line.slice(3).trim();
          }
          if (!data) continue;
          frames.push({ event, data: JSON.parse(data), id, at });
          for (const w of [...waiters]) w();
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    frames,
    waitFor(pred, timeoutMs, from = 0) {
      return new Promise((resolve) => {
        const check = () => {
          for (let k = from; k < frames.length; k++) {
            if (pred(frames[k]!)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(frames[k]!);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(null);
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      ac.abort();
    },
  };
}
