-- wrk script: POST the lecture example with a new x on every request, then print the figures
-- as one JSON line. Each wrk thread counts from its own offset, so no two requests share an x.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "common.lua")

local sent = 0
function request()
  sent = sent + 1
  local x = 1 + ((offset or 0) + sent) * 1e-7
  local body = string.format(
    '{"expression":"(x+y)*max(y,z)","values":{"x":%.9f,"y":2,"z":0}}', x)
  return wrk.format(nil, nil, nil, body)
end
