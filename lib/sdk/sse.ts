// A small Server-Sent Events parser (the WHATWG "event stream interpretation"), fed text chunks as
// they arrive from a streaming fetch body. No EventSource: that cannot send an Authorization header.

export interface SseMessage {
  /** `event:` field; "message" when absent */
  event: string;
  /** `data:` lines joined with "\n" */
  data: string;
  /** the last event id in effect when this message was dispatched ("" when none) */
  lastEventId: string;
}

export interface SseHandlers {
  message?: (message: SseMessage) => void;
  /** a comment line (`: ping …`), without the colon and one leading space */
  comment?: (text: string) => void;
  /** a valid `retry:` field, in milliseconds */
  retry?: (ms: number) => void;
}

export class SseParser {
  private buffer = "";
  private pendingCR = false;
  private sawFirstChunk = false;
  private data: string[] = [];
  private hasData = false;
  private eventType = "";
  /** the last event id buffer: survives across messages, as EventSource's does */
  lastEventId = "";

  constructor(private readonly handlers: SseHandlers) {}

  /** Feeds decoded text. Lines may be split across chunks anywhere, including between CR and LF. */
  feed(chunk: string): void {
    if (chunk.length === 0) return;
    if (!this.sawFirstChunk) {
      this.sawFirstChunk = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let text = chunk;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.startsWith("\n")) text = text.slice(1); // the LF of a CRLF split across chunks
    }
    let start = 0;
    const buf = this.buffer + text;
    const offset = this.buffer.length;
    this.buffer = "";
    for (let i = offset; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.buffer = buf.slice(start);
  }

  /** The stream ended: an incomplete message (no blank line yet) is discarded, as the standard says. */
  end(): void {
    this.buffer = "";
    this.pendingCR = false;
    this.resetMessage();
  }

  private resetMessage() {
    this.data = [];
    this.hasData = false;
    this.eventType = "";
  }

  private line(line: string): void {
    if (line === "") return this.dispatch();
    if (line.charCodeAt(0) === 58 /* : */) {
      this.handlers.comment?.(line.charCodeAt(1) === 32 ? line.slice(2) : line.slice(1));
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data.push(value);
        this.hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.handlers.retry?.(Number(value));
        break;
      default:
        // unknown fields are ignored
        break;
    }
  }

  private dispatch(): void {
    if (!this.hasData) {
      this.resetMessage();
      return;
    }
    const message: SseMessage = {
      event: this.eventType || "message",
      data: this.data.join("\n"),
      lastEventId: this.lastEventId,
    };
    this.resetMessage();
    this.handlers.message?.(message);
  }
}
