import { describe, expect, it } from "vitest";
import { incrementCounter, recordRequest, renderPrometheus } from "./metrics";

describe("the Prometheus text", () => {
  it("has cumulative buckets, +Inf equal to the count, escaped labels, counters and gauges", () => {
    recordRequest('GET /x/{a"b}', 200, 3);
    recordRequest('GET /x/{a"b}', 200, 40);
    recordRequest('GET /x/{a"b}', 503, 4000);
    incrementCounter("events_ingested_total", 7);
    const text = renderPrometheus([{ name: "cwr_stream_clients", help: "open streams", value: 2 }]);
    const l = 'method="GET",route="/x/{a\\"b}"';
    expect(text).toContain(`cwr_http_requests_total{${l},status="200"} 2`);
    expect(text).toContain(`cwr_http_requests_total{${l},status="503"} 1`);
    expect(text).toContain(`cwr_http_request_duration_seconds_bucket{${l},le="0.005"} 1`);
    expect(text).toContain(`cwr_http_request_duration_seconds_bucket{${l},le="0.05"} 2`);
    expect(text).toContain(`cwr_http_request_duration_seconds_bucket{${l},le="2.5"} 2`);
    expect(text).toContain(`cwr_http_request_duration_seconds_bucket{${l},le="+Inf"} 3`);
    expect(text).toContain(`cwr_http_request_duration_seconds_count{${l}} 3`);
    expect(text).toContain("# TYPE cwr_events_ingested_total counter\ncwr_events_ingested_total 7");
    expect(text).toContain("# TYPE cwr_tier_changes_total counter\ncwr_tier_changes_total 0");
    expect(text).toContain("# TYPE cwr_stream_clients gauge\ncwr_stream_clients 2");
    // Every sample line is `name{labels} value` or `name value`.
    for (const line of text
      .trim()
      .split("\n")
      .filter((x) => !x.startsWith("#")))
      expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{.*\})? \S+$/);
  });
});
