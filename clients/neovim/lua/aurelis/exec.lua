-- Running `aurelis.*` commands: one place that reports what is in flight and can cancel it.
local client_mod = require("aurelis.client")

local M = {}

-- id -> { client, title, started }
M.pending = {}
-- ids cancelled here: Neovim drops the server's RequestCancelled answer, so the cancel is
-- final on our side; any late answer to them is ignored.
M.cancelled = {}
local REQUEST_CANCELLED = -32800

local function notify(msg, level)
  vim.notify("Aurelis: " .. msg, level or vim.log.levels.INFO)
end

--- Run `aurelis.<name>` with one object argument; `on_result(result, client)` on success.
--- Returns the request id, or nil when no server is running.
function M.run(name, args, on_result, opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = opts.client or client_mod.get(bufnr)
  if not client then
    notify("no Aurelis server is running (open a Python file, or see :checkhealth aurelis)", vim.log.levels.ERROR)
    return nil
  end
  local title = opts.title or name
  local params = { command = "aurelis." .. name, arguments = { args or vim.empty_dict() } }
  local id
  local ok, rid = client_mod.request(client, "workspace/executeCommand", params, function(err, result)
    if id and M.cancelled[id] then
      M.cancelled[id] = nil
      return -- the user moved on; a late answer must not pop up or edit anything
    end
    if id then
      M.pending[id] = nil
    end
    if err then
      if err.code == REQUEST_CANCELLED then
        notify(title .. " cancelled")
      else
        notify(title .. " failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
      return
    end
    on_result(result, client)
  end, bufnr)
  if not ok then
    notify("the server is not running", vim.log.levels.ERROR)
    return nil
  end
  id = rid
  M.pending[id] = { client = client, title = title, started = vim.uv.now() }
  if opts.slow then
    notify(title .. "… (:AurelisCancel to stop)")
  end
  return id
end

--- Cancel every Aurelis request in flight and the AI progress; the index build goes on
--- (it has its own `:AurelisCancel index`).
function M.cancel_all()
  local n = 0
  for id, entry in pairs(M.pending) do
    M.pending[id] = nil
    M.cancelled[id] = true
    client_mod.cancel(entry.client, id)
    notify(entry.title .. " cancelled")
    n = n + 1
  end
  n = n + require("aurelis.progress").cancel("ai")
  if n == 0 then
    notify("nothing to cancel")
  end
  return n
end

--- Stop the index build; `:AurelisReindex` starts it again.
function M.cancel_index()
  local n = require("aurelis.progress").cancel("index")
  if n == 0 then
    notify("the index is not being built")
  else
    notify("index build cancelled (:AurelisReindex resumes it)")
  end
  return n
end

return M
