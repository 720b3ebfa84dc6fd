-- vim.lsp.buf.code_action() with the cursor on the flagged line but outside the flagged range
-- (column 0): Neovim sends the line's diagnostics in context.diagnostics, and the fix applies.
return function(T)
  T.setup()
  local bufnr = T.open("pkg/shapes.py")
  T.wait(function()
    return #T.diagnostics(bufnr, "AUR104") > 0
  end, "the AUR104 diagnostic")
  local d = T.diagnostics(bufnr, "AUR104")[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, 0 })
  T.out.cursor_col, T.out.diagnostic_col = 0, d.col
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.title:find("is None", 1, true) ~= nil
    end,
  })
  T.wait(function()
    return T.lines(bufnr)[d.lnum + 1]:find("is None", 1, true)
  end, "the quick fix to edit the buffer")
  T.out.after = T.lines(bufnr)[d.lnum + 1]
end
