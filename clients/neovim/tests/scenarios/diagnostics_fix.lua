-- The server's diagnostics appear in the buffer, and its quick fix applies through
-- vim.lsp.buf.code_action and changes the buffer.
return function(T)
  T.setup()
  local bufnr = T.open("pkg/shapes.py")
  T.wait(function()
    return #T.diagnostics(bufnr, "AUR104") > 0
  end, "the AUR104 diagnostic")
  local d = T.diagnostics(bufnr, "AUR104")[1]
  T.out.diagnostic = { lnum = d.lnum, col = d.col, message = d.message, source = d.source, severity = d.severity }
  T.out.before = T.lines(bufnr)[d.lnum + 1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local titles = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      table.insert(titles, action.title)
      return action.title:find("is None", 1, true) ~= nil
    end,
  })
  T.wait(function()
    return T.lines(bufnr)[d.lnum + 1]:find("is None", 1, true)
  end, "the code action to edit the buffer")
  T.out.titles = titles
  T.out.after = T.lines(bufnr)[d.lnum + 1]
  -- The server re-analyses the edited document and drops the diagnostic.
  T.wait(function()
    return #T.diagnostics(bufnr, "AUR104") == 0
  end, "the AUR104 diagnostic to go away")
end
