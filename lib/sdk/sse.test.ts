import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SseParser, type SseMessage } from "./sse";

function parse(chunks: string[]) {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const p = new SseParser({
    message: (m) => messages.push(m),
    comment: (c) => comments.push(c),
    retry: (r) => retries.push(r),
  });
  for (const c of chunks) p.feed(c);
  p.end();
  return { messages, comments, retries, lastEventId: p.lastEventId };
}

const SERVER_LIKE =
  "retry: 2000\n\n" +
  'event: snapshot\ndata: {"tiers":[],"at":"2026-01-01T00:00:00.000Z"}\n\n' +
  ": ping 1700000000000\n\n" +
  'id: 6f1c1a52-8a55-4c8e-9a44-3f3f0a6d3c11\nevent: tier_change\ndata: {"action":"ticket.tag","tier":"CRAWL"}\n\n';

describe("SseParser", () => {
  it("reads the server's frames: retry, a snapshot, a heartbeat comment, a change with an id", () => {
    const r = parse([SERVER_LIKE]);
    expect(r.retries).toEqual([2000]);
    expect(r.comments).toEqual(["ping 1700000000000"]);
    expect(r.messages).toEqual([
      { event: "snapshot", data: '{"tiers":[],"at":"2026-01-01T00:00:00.000Z"}', lastEventId: "" },
      {
        event: "tier_change",
        data: '{"action":"ticket.tag","tier":"CRAWL"}',
        lastEventId: "6f1c1a52-8a55-4c8e-9a44-3f3f0a6d3c11",
      },
    ]);
  });

  it("gives the same messages however the bytes are split (every split point, CR/LF kept apart)", () => {
    const text = SERVER_LIKE.replace(/\n/g, "\r\n");
    const whole = parse([text]);
    for (let i = 0; i <= text.length; i++) expect(parse([text.slice(0, i), text.slice(i)])).toEqual(whole);
    expect(parse([...text])).toEqual(whole);
  });

  it("splits lines on LF, CRLF and lone CR alike", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const r = parse([`event: a${eol}data: 1${eol}data: 2${eol}${eol}`]);
      expect(r.messages).toEqual([{ event: "a", data: "1\n2", lastEventId: "" }]);
    }
  });

  it("keeps a CR at a chunk end from swallowing the next line when no LF follows", () => {
    const r = parse(["data: a\r", "\r", "data: b\r", "", "\n", "\r"]);
    expect(r.messages.map((m) => m.data)).toEqual(["a", "b"]);
  });

  it("defaults the type to message, strips one space after the colon only, and ignores unknown fields", () => {
    const r = parse(["data:x\ndata:  y\nfoo: bar\ndata\n\n"]);
    expect(r.messages).toEqual([{ event: "message", data: "x\n y\n", lastEventId: "" }]);
  });

  it("does not dispatch a message without data, nor an incomplete one at the end of the stream", () => {
    const r = parse(["event: x\n\nid: 7\n\ndata: cut off"]);
    expect(r.messages).toEqual([]);
    expect(r.lastEventId).toBe("7");
  });

  it("keeps the last event id across messages, resets it on an empty id, ignores ids with NUL", () => {
    const r = parse(["id: 1\ndata: a\n\ndata: b\n\nid: 2\u0000\ndata: c\n\nid\ndata: d\n\n"]);
    expect(r.messages.map((m) => [m.data, m.lastEventId])).toEqual([
      ["a", "1"],
      ["b", "1"],
      ["c", "1"],
      ["d", ""],
    ]);
  });

  it("ignores a retry that is not all digits, and strips a leading BOM", () => {
    const r = parse(["\uFEFFretry: 1.5\nretry: x\nretry: 300\ndata: ok\n\n"]);
    expect(r.retries).toEqual([300]);
    expect(r.messages).toEqual([{ event: "message", data: "ok", lastEventId: "" }]);
  });

  it("is split-invariant for arbitrary streams (property)", () => {
    const piece = fc.constantFrom(
      "data: ",
      "data:",
      "event: ",
      "id: ",
      ": c",
      "retry: 5",
      "x",
      "{}",
      "é",
      "\n",
      "\r",
      "\r\n",
      " ",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (pieces, cuts) => {
        const text = pieces.join("");
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(text.slice(prev, p));
          prev = p;
        }
        chunks.push(text.slice(prev));
        expect(parse(chunks)).toEqual(parse([text]));
      }),
      { numRuns: 500 },
    );
  });
});
