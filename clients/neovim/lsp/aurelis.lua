-- Lets `vim.lsp.enable("aurelis")` work without setup() (Neovim 0.11+ reads lsp/*.lua from
-- 'runtimepath'). After setup() the same table carries the user's options.
return require("aurelis.config").lsp_config()
