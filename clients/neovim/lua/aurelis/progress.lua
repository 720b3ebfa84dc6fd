-- Server work-done progress ($/progress: indexing, AI requests) shown through LspProgress
-- autocmds; kept in a table for the statusline and for :AurelisCancel.
local client_mod = require("aurelis.client")

local M = {}

-- token -> { client, title, message, percentage, cancellable, shown }
M.active = {}
-- Recent events, newest last; handy for debugging and for tests.
M.history = {}
local THROTTLE_MS = 1000
local group = vim.api.nvim_create_augroup("aurelis.progress", { clear = true })

local function line(p)
  local text = (p.title or "working"):gsub("^Aurelis: ", "")
  if p.message and p.message ~= "" then
    text = text .. ": " .. p.message
  end
  if p.percentage then
    text = string.format("%s (%d%%)", text, p.percentage)
  end
  return text
end

local function record(event)
  table.insert(M.history, event)
  if #M.history > 100 then
    table.remove(M.history, 1)
  end
end

local function on_progress(args)
  local data = args.data or {}
  local client = data.client_id and vim.lsp.get_client_by_id(data.client_id)
  if not client or client.name ~= client_mod.name then
    return
  end
  local params = data.params or {}
  local value = params.value
  if type(value) ~= "table" then
    return
  end
  local token = params.token
  local entry = M.active[token] or { client = client, shown = 0 }
  entry.title = value.title or entry.title
  entry.message = value.message or entry.message
  entry.percentage = value.percentage or entry.percentage
  if value.cancellable ~= nil then
    entry.cancellable = value.cancellable
  end
  record({ kind = value.kind, title = entry.title, message = value.message, percentage = value.percentage })
  local show = require("aurelis.config").options.progress
  if value.kind == "end" then
    M.active[token] = nil
    if show then
      local title = (entry.title or "work"):gsub("^Aurelis: ", "")
      vim.notify("Aurelis: " .. title .. (value.message and (": " .. value.message) or " done"))
    end
  else
    M.active[token] = entry
    local now = vim.uv.now()
    if show and (value.kind == "begin" or now - entry.shown >= THROTTLE_MS) then
      entry.shown = now
      vim.notify("Aurelis: " .. line(entry))
    end
  end
end

function M.attach()
  vim.api.nvim_clear_autocmds({ group = group })
  vim.api.nvim_create_autocmd("LspProgress", { group = group, callback = on_progress })
end

--- One line describing running work, for a statusline ("" when idle).
function M.status()
  local parts = {}
  for _, p in pairs(M.active) do
    table.insert(parts, line(p))
  end
  table.sort(parts)
  return table.concat(parts, " | ")
end

--- Is this the index build's progress (as opposed to an AI request's)?
function M.is_index(token, p)
  return (type(token) == "string" and token:find("^aurelis%-index%-") ~= nil)
    or ((p.title or ""):find("indexing", 1, true) ~= nil)
end

--- Ask the server to stop cancellable progress: the index build's (`which == "index"`) or
--- every other one (AI requests); returns how many.
function M.cancel(which)
  local n = 0
  for token, p in pairs(M.active) do
    if p.cancellable and M.is_index(token, p) == (which == "index") then
      client_mod.notify(p.client, "window/workDoneProgress/cancel", { token = token })
      n = n + 1
    end
  end
  return n
end

return M
