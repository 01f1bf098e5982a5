-- Shared by bench/'s wrk scripts: POST /api/v1/graph as JSON; setup() gives each thread its own
-- offset to count from (so no two requests share a value); done() prints the figures as one
-- JSON line for bench/wrk.py.
wrk.method = "POST"
wrk.path = "/api/v1/graph"
wrk.headers["Content-Type"] = "application/json"

local threads = 0

function setup(thread)
  thread:set("offset", threads * 10000000)
  threads = threads + 1
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
