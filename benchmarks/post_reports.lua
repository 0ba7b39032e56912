-- wrk script of benchmarks/ingest.py: POST /api/v1/reports with real probe payloads.
-- Arguments (after --): the User-Agent file and the body file, one per line, same order, and
-- optionally N: every Nth request asks to close its connection (Connection: close), and wrk
-- opens a new one. wrk opens all its connections at once and gunicorn's workers race to accept
-- them: without re-dealing, one worker sometimes holds every connection while the other idles
-- for the whole run (2,200 instead of 5,700-6,900 req/s for the bare endpoint, 1 run in 3).
-- Each connection cycles through them from its own offset; every answer but 201 is counted,
-- and 503s (shed under overload) apart. Optional further arguments (benchmarks/beacon_ingest.py):
-- the path (default /api/v1/reports), the status that counts as done (201) and the content type
-- (application/json).
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  uas, bodies = {}, {}
  for line in io.lines(args[1]) do uas[#uas + 1] = line end
  for line in io.lines(args[2]) do bodies[#bodies + 1] = line end
  counter = id * 7919
  recycle = tonumber(args[3] or "0")
  path = args[4] or "/api/v1/reports"
  expected = tonumber(args[5] or "201")
  content_type = args[6] or "application/json"
  not_created = 0
  refused = 0
end

function request()
  counter = counter + 1
  local i = counter % #bodies + 1
  local headers = {["Content-Type"] = content_type, ["User-Agent"] = uas[i]}
  if recycle > 0 and counter % recycle == 0 then headers["Connection"] = "close" end
  return wrk.format("POST", path, headers, bodies[i])
end

function response(status, headers, body)
  if status ~= expected then not_created = not_created + 1 end
  if status == 503 then refused = refused + 1 end
end

function done(summary, latency, requests)
  local not_created_total, refused_total = 0, 0
  for _, thread in ipairs(threads) do
    not_created_total = not_created_total + thread:get("not_created")
    refused_total = refused_total + thread:get("refused")
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "not_created": %d, "refused": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, not_created_total, refused_total,
    errors.connect + errors.read + errors.write + errors.timeout))
end
