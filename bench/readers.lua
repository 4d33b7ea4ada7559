-- Readers for wrk (bench/editing.py): each request asks for an article picked at random from the
-- list file given after `--`, and each response is counted by the app's X-Cache header (hit, miss,
-- or other: a response without it). done() prints the counts of all threads on one line.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() * 100 + id)
  hits, misses, others = 0, 0, 0
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local state = headers["X-Cache"] or headers["x-cache"]
  if state == "hit" then
    hits = hits + 1
  elseif state == "miss" then
    misses = misses + 1
  else
    others = others + 1
  end
end

function done(summary, latency, requests)
  local hit, miss, other = 0, 0, 0
  for _, thread in ipairs(threads) do
    hit = hit + thread:get("hits")
    miss = miss + thread:get("misses")
    other = other + thread:get("others")
  end
  io.write(string.format("X-Cache: %d hit, %d miss, %d other\n", hit, miss, other))
end
