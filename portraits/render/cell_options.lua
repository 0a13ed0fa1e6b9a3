-- The options of a code cell: its leading `#|` lines, read as YAML through pandoc's markdown
-- metadata reader (Quarto's cell options: echo, include, output, label, fig-cap...).
local M = {}
local stringify = pandoc.utils.stringify

-- (options, the code without them)
function M.cell_options(code)
  local yaml_lines, rest, in_opts = {}, {}, true
  for line in (code .. "\n"):gmatch("(.-)\r?\n") do
    if in_opts and line:match("^%s*#|") then
      local opt = line:gsub("^%s*#|", ""):gsub("^ ", "")
      yaml_lines[#yaml_lines + 1] = opt
    else
      in_opts = false
      rest[#rest + 1] = line
    end
  end
  while #rest > 0 and rest[#rest]:match("^%s*$") do rest[#rest] = nil end
  local opts = {}
  if #yaml_lines > 0 then
    local ok, doc = pcall(pandoc.read, "---\n" .. table.concat(yaml_lines, "\n") .. "\n---\n", "markdown")
    if ok then opts = doc.meta end
  end
  return opts, table.concat(rest, "\n")
end

function M.opt_bool(opts, key, default)
  local v = opts[key]
  if v == nil then return default end
  if type(v) == "boolean" then return v end
  local s = stringify(v)
  if s == "true" then return true elseif s == "false" then return false end
  return s
end

function M.opt_inlines(v)
  if v == nil then return nil end
  if type(v) == "string" then return pandoc.Inlines(v) end
  if pandoc.utils.type(v) == "Inlines" then return v end
  if pandoc.utils.type(v) == "Blocks" then return pandoc.utils.blocks_to_inlines(v) end
  return pandoc.Inlines(stringify(v))
end

return M
