-- luacheck config for the Neovim plugin (`make lint`): Neovim's Lua 5.1 / LuaJIT with the `vim` global.
std = "luajit"
globals = { "vim" } -- the plugin sets vim.g, vim.opt, vim.ui fields
max_line_length = 150
exclude_files = { "tests/fixtures/**" }
