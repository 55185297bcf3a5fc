// A minimal tier-stream client for the benchmark: one HTTP request, frames parsed as they arrive,
// each frame stamped with performance.now() on arrival.
import http from "node:http";
import https from "node:https";
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

// One parse pass after each round of socket reads, for every stream that received something.
const toParse: Array<() => void> = [];
let parseScheduled = false;
function parseSoon() {
  if (parseScheduled) return;
  parseScheduled = true;
  setImmediate(() => {
    parseScheduled = false;
    for (const parse of toParse.splice(0)) parse();
  });
}

export function openStream(baseUrl: string, apiKey: string): Promise<StreamClient> {
  return openStreamUrl(`${baseUrl}/api/v1/tiers/stream`, { authorization: `Bearer ${apiKey}` });
}

/**
 * Any SSE stream (the OFREP event stream needs no header: its URL carries the token). Read with node:http,
 * not fetch: 2,000 fetch streams in this one process spent so long in web-stream plumbing that the
 * arrival stamps measured the client's own queue (bench streams-many shares 2 cores with the servers).
 */
export function openStreamUrl(url: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const get = target.protocol === "https:" ? https.get : http.get;
    const req = get(target, { headers: { ...headers, accept: "text/event-stream" }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream: ${res.statusCode}`));
        return;
      }
      const frames: Frame[] = [];
      const waiters = new Set<() => void>();
      const arrived: Array<[at: number, chunk: string]> = [];
      let buf = "";
      const parse = () => {
        let added = false;
        for (const [at, chunk] of arrived.splice(0)) {
          buf += chunk;
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
            added = true;
          }
        }
        if (added) for (const w of [...waiters]) w();
      };
      res.setEncoding("utf8");
      // Stamp on arrival, parse later: with 2,000 streams in one process a change's frames arrive together,
      // and parsing each as it came would stamp the last one after the other 1,999 were parsed.
      res.on("data", (chunk: string) => {
        if (!arrived.length) toParse.push(parse);
        arrived.push([performance.now(), chunk]);
        parseSoon();
      });
      res.on("error", () => {
        /* closed */
      });
      resolve({
        frames,
        waitFor(pred, timeoutMs, from = 0) {
          return new Promise((done) => {
            const check = () => {
              for (let k = from; k < frames.length; k++) {
                if (pred(frames[k]!)) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  done(frames[k]!);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              done(null);
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on("error", reject);
  });
}
