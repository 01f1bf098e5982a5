-- wrk script: POST the lecture example with a new x on every request, then print the figures
-- as one JSON line. Each wrk thread counts from its own offset, so no two requests share an x.
wrk.method = "POST"
wrk.path = "/api/v1/graph"
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
  thread:set("offset", threads * 10000000)
  threads = threads + 1
end

local sent = 0
function request()
  sent = sent + 1
  local x = 1 + ((offset or 0) + sent) * 1e-7
  local body = string.format(
    '{"expression":"(x+y)*max(y,z)","values":{"x":%.9f,"y":2,"z":0}}', x)
  return wrk.format(nil, nil, nil, body)
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
