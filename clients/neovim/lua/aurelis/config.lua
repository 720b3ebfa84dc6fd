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

local function list_of_strings(v)
  if type(v) ~= "table" or not vim.islist(v) or #v == 0 then
    return false
  end
  for _, item in ipairs(v) do
    if type(item) ~= "string" or item == "" then
      return false
    end
  end
  return true
end

-- vim.validate's signature changed in 0.11 (name, value, validator, optional, message); the
-- table form still works there, with a deprecation in 0.12: call the new one when it exists.
local function check(name, value, validator, optional, message)
  if vim.fn.has("nvim-0.11") == 1 then
    vim.validate(name, value, validator, optional, message)
  else
    vim.validate({ [name] = { value, validator, message or optional } })
  end
end

--- Raise a clear error for a wrong option (setup() reports it as an error message).
function M.validate(opts)
  check("opts", opts, "table")
  check("cmd", opts.cmd, list_of_strings, false, "a non-empty list of strings, e.g. { \"aurelis\", \"serve\" }")
  check("filetypes", opts.filetypes, list_of_strings, false, "a non-empty list of filetypes")
  check("root_markers", opts.root_markers, list_of_strings, false, "a non-empty list of file names")
  check("settings", opts.settings, "table")
  check("python", opts.python, "string", true)
  check("progress", opts.progress, "boolean")
  check("float", opts.float, "table")
  check("float.border", opts.float.border, { "string", "table" })
  check("float.max_width", opts.float.max_width, "number")
  check("float.max_height", opts.float.max_height, "number")
  check("search", opts.search, "table")
  check("search.k", opts.search.k, function(k)
    return type(k) == "number" and k >= 1 and k <= 200 and k == math.floor(k)
  end, false, "an integer from 1 to 200")
  check("search.picker", opts.search.picker, "boolean")
  local known = vim.tbl_keys(M.defaults)
  for key in pairs(opts) do
    if type(key) ~= "string" or (M.defaults[key] == nil and key ~= "python" and not key:find("^_")) then
      error(string.format("unknown option %s (known: %s)", vim.inspect(key), table.concat(vim.fn.sort(known), ", ")), 0)
    end
  end
end

--- Merge `opts` over the defaults and validate the result; on a bad option the previous
--- options stay and the error is raised (with the option's name) for setup() to report.
function M.set(opts)
  -- Lists (cmd, filetypes) are replaced, tables (settings) merged.
  local merged = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  for _, key in ipairs({ "cmd", "filetypes", "root_markers" }) do
    if opts and opts[key] ~= nil then
      merged[key] = opts[key] -- a list option is replaced, never merged item by item
    end
  end
  M.validate(merged)
  M.options = merged
  return M.options
end

--- Why `cmd` cannot start, as a message with what to do; nil when its program is found.
function M.cmd_problem(cmd)
  local program = cmd[1]
  if vim.fn.executable(program) == 1 then
    return nil
  end
  return table.concat({
    string.format("Aurelis: cannot start the language server: `%s` is not an executable on $PATH.", program),
    "Install it into the Python environment you use: `pip install aurelis` (then `aurelis --version` should run),",
    'or point the plugin at it: require("aurelis").setup({ cmd = { "/path/to/python", "-m", "aurelis", "serve" } }).',
    "See :checkhealth aurelis and :help aurelis-setup.",
  }, "\n")
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
