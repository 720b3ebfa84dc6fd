-- Aurelis for Neovim: starts `aurelis serve` for Python buffers and adds the :Aurelis* commands.
local config = require("aurelis.config")

local M = {}

local group = vim.api.nvim_create_augroup("aurelis.start", { clear = true })

-- Neovim 0.10: no vim.lsp.config/enable, so start (or reuse) a client per root on FileType.
local function start_legacy(opts)
  local cfg = config.lsp_config(opts)
  local function start(bufnr)
    if vim.bo[bufnr].buftype ~= "" then
      return
    end
    local root = vim.fs.root(bufnr, opts.root_markers)
      or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr))
    vim.lsp.start({
      name = "aurelis",
      cmd = cfg.cmd,
      root_dir = root,
      init_options = cfg.init_options,
      settings = cfg.settings,
    }, { bufnr = bufnr })
  end
  vim.api.nvim_clear_autocmds({ group = group })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      start(args.buf)
    end,
  })
  -- Buffers opened before setup() already had their FileType.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr)
    end
  end
end

--- Configure and start the server. `opts` are merged over require("aurelis.config").defaults.
--- `_legacy_start = true` forces the Neovim 0.10 code path (vim.lsp.start) on newer versions.
function M.setup(opts)
  opts = config.set(opts)
  require("aurelis.progress").attach()
  if vim.fn.has("nvim-0.11") == 1 and not opts._legacy_start then
    vim.lsp.config("aurelis", config.lsp_config(opts))
    vim.lsp.enable("aurelis")
  else
    start_legacy(opts)
  end
end

--- Run an `aurelis.<name>` server command; `on_result(result, client)` gets its answer.
function M.execute(name, args, on_result, opts)
  return require("aurelis.exec").run(name, args, on_result or function() end, opts)
end

--- Running index/AI work as one line, for a statusline.
function M.statusline()
  return require("aurelis.progress").status()
end

return M
