-- Options of the plugin and the LSP client configuration derived from them.
local M = {}

M.root_markers = { "pyproject.toml", "setup.cfg", ".git" }

M.defaults = {
  -- How to start the server; any argv works, e.g. { "/path/.venv/bin/python", "-m", "aurelis", "serve" }.
  cmd = { "aurelis", "serve" },
  filetypes = { "python" },
  root_markers = M.root_markers,
  -- Aurelis settings, same keys as [tool.aurelis] in pyproject.toml (e.g. { ai = { providers = {...} } }).
  -- Sent as initializationOptions and answered to workspace/configuration ("aurelis" section).
  settings = {},
  -- The server's Python, used by :checkhealth to look for the embedding model; derived from cmd when nil.
  python = nil,
  -- Report index and AI progress with vim.notify.
  progress = true,
  float = { border = "rounded", max_width = 100, max_height = 40 },
  search = { k = 20, picker = false },
}

M.options = vim.deepcopy(M.defaults)

function M.set(opts)
  -- Lists (cmd, filetypes) are replaced, tables (settings) merged.
  M.options = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  return M.options
end

-- JSON encodes an empty Lua table as [], and the server wants an object.
local function object(t)
  if type(t) ~= "table" or next(t) == nil then
    return vim.empty_dict()
  end
  return t
end

--- The table given to vim.lsp.config / vim.lsp.start (minus root_dir).
function M.lsp_config(opts)
  opts = opts or M.options
  return {
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    init_options = object(opts.settings),
    settings = { aurelis = object(opts.settings) },
  }
end

return M
