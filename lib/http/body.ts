// Reading a JSON body safely: content type (415), size (413, counted while streaming, not trusted
// from Content-Length alone) and syntax (400). The same rules for a Web Request (Next's routes) and
// a node:http request (the agent API's fast front, lib/http/front.ts).
import type { IncomingMessage } from "node:http";
import { AppError } from "@/lib/errors";

export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (maxBytes: number) => new AppError("payload_too_large", `The body is larger than ${maxBytes} bytes.`);

/** 415 unless the media type is exactly application/json (parameters and case aside); 413 on a declared oversize. */
export function checkJsonHeaders(
  contentType: string | null | undefined,
  contentLength: string | null | undefined,
  maxBytes = MAX_BODY_BYTES,
): void {
  const type = contentType ?? "";
  const mediaType = type === "application/json" ? type : type.split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new AppError(
      "unsupported_media_type",
      `Send the body as application/json${type ? ` (got ${type.slice(0, 80)})` : ""}.`,
    );
  }
  if (contentLength && Number(contentLength) > maxBytes) throw tooLarge(maxBytes);
}

// One decoder for every body: a fatal decode of a whole buffer (no `stream`) keeps no state between calls.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 (fatal) and JSON syntax of a complete body. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new AppError("bad_request", "The body is not valid UTF-8.");
  }
  if (text.trim() === "") throw new AppError("bad_request", "The body is empty; send a JSON document.");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
}

export async function readJsonBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  checkJsonHeaders(req.headers.get("content-type"), req.headers.get("content-length"), maxBytes);
  if (!req.body) throw new AppError("bad_request", "The request has no body.");
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return parseJsonBytes(Buffer.concat(chunks));
}

/**
 * The same for a node:http request, without a promise (the agent's hot routes): `done` is called once,
 * with the refusal or the parsed body. On a refusal the rest of the body is left unread: node discards
 * it after the answer (a slow body is bounded by the server's requestTimeout).
 */
export function readNodeJsonBody(
  req: IncomingMessage,
  done: (error: unknown, body?: unknown) => void,
  maxBytes = MAX_BODY_BYTES,
): void {
  try {
    checkJsonHeaders(req.headers["content-type"], req.headers["content-length"], maxBytes);
  } catch (e) {
    return done(e);
  }
  new NodeBodyReader(req, done, maxBytes);
}

/** One body being read: its listeners are its own methods, bound once (no closures per request). */
class NodeBodyReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly onData = this.data.bind(this);
  private readonly onEnd = this.end.bind(this);
  private readonly onAborted = this.aborted.bind(this);

  constructor(
    private readonly req: IncomingMessage,
    private readonly done: (error: unknown, body?: unknown) => void,
    private readonly maxBytes: number,
  ) {
    if (req.destroyed) {
      this.aborted();
      return;
    }
    req.on("data", this.onData);
    req.on("end", this.onEnd);
    req.on("error", this.onAborted);
    req.on("close", this.onAborted);
  }

  private stop() {
    this.req.off("data", this.onData);
    this.req.off("end", this.onEnd);
    this.req.off("error", this.onAborted);
    this.req.off("close", this.onAborted);
  }

  private data(chunk: Buffer) {
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) {
      this.stop();
      this.done(tooLarge(this.maxBytes));
      return;
    }
    this.chunks.push(chunk);
  }

  private end() {
    this.stop();
    let body: unknown;
    try {
      body = parseJsonBytes(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
    } catch (e) {
      return this.done(e);
    }
    this.done(undefined, body);
  }

  // The client went away (or the server's requestTimeout cut it off) before the body ended.
  private aborted() {
    this.stop();
    this.done(new AppError("bad_request", "The request body was not received completely."));
  }
}
