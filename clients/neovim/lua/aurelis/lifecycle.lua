-- Starting, restarting and keeping the server's settings fresh: a clear message when the server
-- cannot start, :AurelisRestart, and pyproject.toml writes reported to the server.
local client_mod = require("aurelis.client")
local config = require("aurelis.config")

local M = {}

local group = vim.api.nvim_create_augroup("aurelis.lifecycle", { clear = true })
M.warned_cmd = false

-- The command Neovim will run: vim.lsp.config's (0.11+, it may come from the user's own
-- vim.lsp.config("aurelis", ...)), else the plugin's option.
local function effective_cmd(opts)
  local resolved = vim.lsp.config and vim.lsp.config[client_mod.name]
  if resolved and type(resolved.cmd) == "table" then
    return resolved.cmd
  end
  return opts.cmd
end

--- Tell the user (once per session) when `cmd` cannot start: Neovim itself only writes lsp.log.
function M.check_cmd(opts)
  local problem = config.cmd_problem(effective_cmd(opts))
  if problem and not M.warned_cmd then
    M.warned_cmd = true
    vim.notify(problem, vim.log.levels.ERROR)
  end
  return problem == nil
end

--- The root directory of `bufnr`, as the plugin finds it.
function M.root(bufnr, opts)
  return vim.fs.root(bufnr, opts.root_markers) or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr))
end

--- Start (or reuse) the Aurelis client for `bufnr`.
function M.start(bufnr, opts)
  if vim.bo[bufnr].buftype ~= "" or not M.check_cmd(opts) then
    return
  end
  local cfg = config.lsp_config(opts)
  return vim.lsp.start({
    name = client_mod.name,
    cmd = cfg.cmd,
    root_dir = M.root(bufnr, opts),
    init_options = cfg.init_options,
    settings = cfg.settings,
  }, { bufnr = bufnr })
end

--- Stop every Aurelis client and start it again for the buffers it served (new settings,
--- a new server after `pip install -U`, a server that got stuck).
function M.restart()
  local clients = vim.lsp.get_clients({ name = client_mod.name })
  local buffers = {}
  for _, client in ipairs(clients) do
    for bufnr in pairs(client.attached_buffers or {}) do
      buffers[bufnr] = true
    end
  end
  if #clients == 0 then -- nothing running (it may never have started): start for open buffers
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.options.filetypes, vim.bo[bufnr].filetype) then
        buffers[bufnr] = true
      end
    end
  end
  for _, client in ipairs(clients) do
    client_mod.stop(client)
  end
  local stopped = vim.wait(10000, function()
    for _, client in ipairs(clients) do
      if not client_mod.is_stopped(client) then
        return false
      end
    end
    return true
  end, 20)
  if not stopped then
    for _, client in ipairs(clients) do
      client_mod.stop(client, true)
    end
  end
  M.warned_cmd = false
  local started = 0
  for bufnr in pairs(buffers) do
    if vim.api.nvim_buf_is_valid(bufnr) and M.start(bufnr, config.options) then
      started = started + 1
    end
  end
  vim.notify(string.format("Aurelis: server restarted (%d buffer(s))", started))
  return started
end

--- The folder's pyproject.toml was written: tell the servers that serve that folder, unless the
--- client watches files itself (Neovim registers no file watcher on Linux).
function M.pyproject_written(path)
  local uri = vim.uri_from_fname(path)
  local dir = vim.fs.dirname(path)
  for _, client in ipairs(vim.lsp.get_clients({ name = client_mod.name })) do
    local watches = vim.tbl_get(client, "capabilities", "workspace", "didChangeWatchedFiles", "dynamicRegistration")
    local serves = client.root_dir == dir
    for _, folder in ipairs(client.workspace_folders or {}) do
      serves = serves or vim.uri_to_fname(folder.uri) == dir
    end
    if serves and not watches then
      client_mod.notify(client, "workspace/didChangeWatchedFiles", { changes = { { uri = uri, type = 2 } } })
    end
  end
end

function M.attach(opts)
  vim.api.nvim_clear_autocmds({ group = group })
  vim.api.nvim_create_autocmd("BufWritePost", {
    group = group,
    pattern = "pyproject.toml",
    callback = function(args)
      M.pyproject_written(vim.fs.normalize(vim.api.nvim_buf_get_name(args.buf)))
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function()
      M.check_cmd(config.options)
    end,
  })
end

return M
