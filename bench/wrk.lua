-- wrk script: each request carries a random person's token (WEFT_BENCH_TOKENS,
-- one per line); WEFT_BENCH_BODY makes it a form POST. done() prints JSON.
local tokens = {}
local path = os.getenv("WEFT_BENCH_TOKENS")
if path then
  for line in io.lines(path) do tokens[#tokens + 1] = line end
end
local body = os.getenv("WEFT_BENCH_BODY")
local counter = 0

request = function()
  local headers = {}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  end
  if body then
    counter = counter + 1
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", nil, headers, body .. "+" .. counter)
  end
  return wrk.format("GET", nil, headers, nil)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "errors": %d, "non_2xx": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
