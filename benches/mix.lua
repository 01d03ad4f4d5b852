-- wrk script shared by benches/load.sh and benches/peers/run.sh: cycles through the request
-- paths of a file (one per line) and prints one line, "RESULT p50 p90 p99 req/s errors"
-- (latencies in ms).
--   wrk -t2 -c16 -d20s -s benches/mix.lua http://127.0.0.1:8080 -- paths.txt
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.2f %.2f %.2f %.1f %d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), e.connect + e.read + e.write + e.status + e.timeout))
end
