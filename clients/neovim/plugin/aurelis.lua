-- Loaded at startup: user commands and progress reporting. Starting the server is up to
-- require("aurelis").setup() or vim.lsp.enable("aurelis") (Neovim 0.11+).
if vim.g.loaded_aurelis then
  return
end
vim.g.loaded_aurelis = true

if vim.fn.has("nvim-0.10") == 0 then
  vim.notify("aurelis.nvim needs Neovim 0.10 or later", vim.log.levels.ERROR)
  return
end

require("aurelis.commands").create()
require("aurelis.aomaas").create()
require("aurelis.progress").attach()
-- Also without setup() (vim.lsp.enable): say why the server cannot start, report pyproject.toml writes.
require("aurelis.lifecycle").attach(require("aurelis.config").options)
