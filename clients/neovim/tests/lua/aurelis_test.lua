-- Test harness run inside headless Neovim: a scenario is a function(T) that raises on failure.
-- Observations go into T.out and are written as JSON for the pytest driver to check too.
local T = { out = { notifications = {} } }

-- Keep what the plugin tells the user, for the checks.
vim.notify = function(msg, level)
  table.insert(T.out.notifications, { msg = msg, level = level or vim.log.levels.INFO })
end

--- Wait until the pytest driver creates the signal file `name` (it acts from outside).
function T.signal(name, timeout_ms)
  local path = vim.env.AURELIS_SIGNALS .. "/" .. name
  T.wait(function()
    return vim.uv.fs_stat(path) ~= nil
  end, "signal " .. name, timeout_ms)
end

function T.notified(pattern)
  for _, n in ipairs(T.out.notifications) do
    if n.msg:find(pattern, 1, true) then
      return n
    end
  end
end

function T.wait(cond, what, timeout_ms)
  local ok = vim.wait(timeout_ms or 60000, function()
    local good, value = pcall(cond)
    return good and value and true or false
  end, 20)
  if not ok then
    error("timed out waiting for " .. what, 2)
  end
end

function T.check(cond, what)
  if not cond then
    error("check failed: " .. what, 2)
  end
end

function T.server_cmd()
  return vim.json.decode(vim.env.AURELIS_SERVER_CMD)
end

--- require("aurelis").setup() with the test server command, plus `extra` options.
--- The index (torch + the embedding model) stays off unless a scenario turns it on: the
--- machine is small and only the search and status scenarios need it.
function T.setup(extra)
  require("aurelis").setup(vim.tbl_deep_extend("force", {
    cmd = T.server_cmd(),
    progress = false,
    settings = { index = { enabled = false } },
  }, extra or {}))
end

function T.providers()
  return {
    { name = "local", kind = "openai", base_url = "http://127.0.0.1:" .. vim.env.AURELIS_LLM_PORT .. "/v1", model = "test" },
  }
end

function T.client(bufnr)
  return vim.lsp.get_clients({ name = "aurelis", bufnr = bufnr or 0 })[1]
end

--- Open a workspace file and wait until the Aurelis client is attached to it.
function T.open(path)
  local t0 = vim.uv.hrtime()
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  T.wait(function()
    local c = T.client(bufnr)
    return c and c.initialized
  end, "the aurelis client to attach to " .. path)
  T.out.attach_ms = (vim.uv.hrtime() - t0) / 1e6
  return bufnr, T.client(bufnr)
end

function T.diagnostics(bufnr, code)
  return vim.tbl_filter(function(d)
    return d.code == code
  end, vim.diagnostic.get(bufnr))
end

--- Run `aurelis.<name>` synchronously through the plugin's own exec path.
function T.execute(name, args, timeout_ms)
  local done, answer = false, nil
  require("aurelis").execute(name, args, function(result)
    done, answer = true, result
  end)
  T.wait(function()
    return done
  end, "aurelis." .. name, timeout_ms)
  return answer
end

function T.lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

--- Floating windows and their text.
function T.floats()
  local out = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= "" then
      local buf = vim.api.nvim_win_get_buf(win)
      table.insert(out, { win = win, text = table.concat(T.lines(buf), "\n") })
    end
  end
  return out
end

local function finish(ok, err)
  -- Stop the server cleanly so no process outlives the test.
  local t0 = vim.uv.hrtime()
  vim.lsp.stop_client(vim.lsp.get_clients())
  T.out.stopped = vim.wait(10000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  T.out.stop_ms = (vim.uv.hrtime() - t0) / 1e6
  T.out.ok = ok
  T.out.error = err
  T.out.nvim_version = tostring(vim.version())
  local path = vim.env.AURELIS_NVIM_RESULT
  if path then
    vim.fn.writefile({ vim.json.encode(T.out) }, path)
  end
  if not ok then
    io.stderr:write("FAILED: " .. tostring(err) .. "\n")
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

function T.main(name)
  local scenario = dofile(vim.env.AURELIS_NVIM_TESTS .. "/scenarios/" .. name .. ".lua")
  local ok, err = xpcall(scenario, debug.traceback, T)
  finish(ok, not ok and tostring(err) or nil)
end

return T
