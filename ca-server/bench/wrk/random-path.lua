-- GET a path drawn uniformly at random from the file PATHS (one per line), per request.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
