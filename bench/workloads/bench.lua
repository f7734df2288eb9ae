-- Lua workload for rl4real bench: calls, tables, strings, closures; deterministic output.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t = {}
for i = 1, 30000 do t[i] = (i * 7919) % 10007 end
table.sort(t)
local words, counts = {}, {}
for i = 1, 20000 do
  local w = string.format("w%d", (i * 31) % 997)
  counts[w] = (counts[w] or 0) + 1
  if counts[w] == 1 then words[#words + 1] = w end
end
table.sort(words)
local parts = {}
for i = 1, 200 do parts[#parts + 1] = words[i] .. "=" .. counts[words[i]] end
local s = table.concat(parts, ","):gsub("w(%d)", "%1")
local acc = 0
for i = 1, 100000 do acc = (acc * 33 + i) % 1000003 end
local function make(n) local c = 0; return function() c = c + n; return c end end
local f = make(3)
for _ = 1, 50000 do f() end
print(fib(20), t[15000], #words, #s, acc, f(), _VERSION)
