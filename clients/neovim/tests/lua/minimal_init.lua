-- Minimal init for the headless tests: only this plugin and the test harness on 'runtimepath'.
local tests = vim.env.AURELIS_NVIM_TESTS
vim.opt.runtimepath:prepend(vim.fs.dirname(tests)) -- clients/neovim: lua/, lsp/, plugin/
vim.opt.runtimepath:append(tests) -- tests/lua/aurelis_test.lua
vim.opt.swapfile = false
vim.opt.shadafile = "NONE"
