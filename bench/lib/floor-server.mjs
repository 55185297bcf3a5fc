// The floor: a bare node:http server that reads the request body and answers a small JSON document
// (what a decision answer looks like), nothing else. Plain JavaScript, no loader. Prints its port.
import http from "node:http";

const body = JSON.stringify({
  allowed: true,
  mode: "act_external",
  tier: "RUN",
  reason: "RUN: may act on external targets",
});
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    if (chunks.length) JSON.parse(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
