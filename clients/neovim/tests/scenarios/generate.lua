-- :AurelisGenerate inserts the provider's code at the cursor through the server's
-- workspace/applyEdit, and the buffer changes.
return function(T)
  T.setup({ settings = { ai = { providers = T.providers() } } })
  local bufnr = T.open("pkg/shapes.py")
  T.out.before = T.lines(bufnr)
  -- The cursor on the blank line after `import math`.
  local row = vim.fn.index(T.out.before, "import math") + 2
  vim.api.nvim_win_set_cursor(0, { row, 0 })
  vim.cmd("AurelisGenerate add a function that returns the area of a triangle")
  T.wait(function()
    return T.notified("Generate: edit applied")
  end, "the generated code to be applied", 120000)
  T.out.after = T.lines(bufnr)
  T.out.modified = vim.bo[bufnr].modified
end
