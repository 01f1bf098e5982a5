-- wrk script for the soak: a mix of the lecture (new x each time), the sigmoid neuron (new w0),
-- a 4-8-1 tanh MLP, and a new expression text every fourth request (the parse cache churns).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "common.lua")

local function mlp()
  local units, values = {}, {}
  for j = 0, 7 do
    local terms = {}
    for i = 0, 3 do
      terms[#terms + 1] = string.format("w%d_%d*x%d", j, i, i)
      values[#values + 1] = string.format('"w%d_%d":%g', j, i, 0.05 * (i - j))
    end
    units[#units + 1] = string.format("v%d*tanh(%s + b%d)", j, table.concat(terms, " + "), j)
    values[#values + 1] = string.format('"b%d":%g,"v%d":%g', j, 0.01 * j, j, 0.2 - 0.03 * j)
  end
  for i = 0, 3 do values[#values + 1] = string.format('"x%d":%g', i, 0.1 * (i + 1)) end
  return string.format('{"expression":"%s","values":{%s}}',
    table.concat(units, " + "), table.concat(values, ","))
end
local MLP = mlp()

local sent = 0
function request()
  sent = sent + 1
  local n = (offset or 0) + sent
  local kind = sent % 4
  local body
  if kind == 0 then
    body = string.format(
      '{"expression":"(x+y)*max(y,z)","values":{"x":%.9f,"y":2,"z":0}}', 1 + n * 1e-7)
  elseif kind == 1 then
    body = string.format('{"expression":"1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",' ..
      '"values":{"w0":%.9f,"x0":-1,"w1":-3,"x1":-2,"w2":-3}}', 2 + n * 1e-7)
  elseif kind == 2 then
    body = MLP
  else
    body = string.format(
      '{"expression":"(x+y)*max(y,z) + %d","values":{"x":1,"y":2,"z":0}}', n)
  end
  return wrk.format(nil, nil, nil, body)
end
