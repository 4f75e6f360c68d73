-- POST OCSP requests carrying an RFC 8954 nonce, 16 fresh random bytes each time: every answer
-- must be signed on the spot. OCSP_REQ names the DER file, OCSP_NONCE_OFFSET where the nonce starts.
local f = assert(io.open(os.getenv("OCSP_REQ"), "rb"))
local body = f:read("*a")
f:close()
local offset = tonumber(os.getenv("OCSP_NONCE_OFFSET"))
local head, tail = body:sub(1, offset), body:sub(offset + 17)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/ocsp-request"

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

function init(args)
  math.randomseed(seed + os.time())
end

request = function()
  local nonce = {}
  for i = 1, 16 do nonce[i] = string.char(math.random(0, 255)) end
  return wrk.format(nil, nil, nil, head .. table.concat(nonce) .. tail)
end
