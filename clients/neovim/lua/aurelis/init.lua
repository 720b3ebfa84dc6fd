-- Aurelis for Neovim: starts `aurelis serve` for Python buffers and adds the :Aurelis* commands.
local config = require("aurelis.config")

local M = {}

local group = vim.api.nvim_create_augroup("aurelis.start", { clear = true })

-- Neovim 0.10: no vim.lsp.config/enable, so start (or reuse) a client per root on FileType.
local function start_legacy(opts)
  local lifecycle = require("aurelis.lifecycle")
  vim.api.nvim_clear_autocmds({ group = group })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      lifecycle.start(args.buf, opts)
    end,
  })
  -- Buffers opened before setup() already had their FileType.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      lifecycle.start(bufnr, opts)
    end
  end
end

--- Configure and start the server. `opts` are merged over require("aurelis.config").defaults.
--- `_legacy_start = true` forces the Neovim 0.10 code path (vim.lsp.start) on newer versions.
function M.setup(opts)
  local ok, err = pcall(config.set, opts)
  if not ok then
    vim.notify("Aurelis: setup(): " .. tostring(err), vim.log.levels.ERROR)
    return false
  end
  opts = config.options
  require("aurelis.progress").attach()
  require("aurelis.lifecycle").attach(opts)
  if vim.fn.has("nvim-0.11") == 1 and not opts._legacy_start then
    vim.lsp.config("aurelis", config.lsp_config(opts))
    vim.lsp.enable("aurelis")
  else
    start_legacy(opts)
  end
  return true
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
