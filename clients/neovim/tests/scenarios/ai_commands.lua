-- The other AI commands in one session, each answered by the next scripted provider reply:
-- :AurelisDocstring and :AurelisFix edit the buffer, :AurelisReview and :AurelisAsk open
-- floats (Ask also lists its citations in the quickfix list), :AurelisTests writes a test file and shows it.
return function(T)
  T.setup({ settings = { ai = { providers = T.providers() } } })
  local bufnr = T.open("pkg/shapes.py")
  local function row_of(text)
    for i, l in ipairs(T.lines(bufnr)) do
      if l:find(text, 1, true) then
        return i
      end
    end
    error("no line with " .. text)
  end
  local function float_with(text, what)
    T.wait(function()
      for _, f in ipairs(T.floats()) do
        if f.text:find(text, 1, true) then
          return true
        end
      end
    end, what)
  end

  vim.api.nvim_win_set_cursor(0, { row_of("return width * height"), 4 })
  vim.cmd("AurelisDocstring")
  T.wait(function()
    return T.notified("Docstring: edit applied")
  end, "the docstring edit")
  T.out.docstring_line = T.lines(bufnr)[row_of("def rectangle_area") + 1]

  T.wait(function()
    return #T.diagnostics(bufnr, "AUR104") > 0
  end, "the AUR104 diagnostic the fix is about")
  local row = row_of("radius == None")
  vim.cmd(row .. "AurelisFix")
  T.wait(function()
    return T.notified("Fix: edit applied")
  end, "the fix edit")
  T.out.fixed_line = T.lines(bufnr)[row]

  vim.cmd("AurelisReview")
  float_with(vim.env.AURELIS_REVIEW, "the review float")

  vim.cmd("AurelisAsk where are the settings read from disk?")
  float_with(vim.env.AURELIS_ANSWER, "the ask float")
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  T.out.ask_title = qf.title
  T.out.ask_items = vim.tbl_map(function(item)
    return { file = vim.api.nvim_buf_get_name(item.bufnr), lnum = item.lnum }
  end, qf.items)

  vim.api.nvim_set_current_win(vim.fn.bufwinid(bufnr))
  local first, last = row_of("def circle_area"), row_of("return math.pi")
  vim.cmd(first .. "," .. last .. "AurelisTests")
  T.wait(function()
    return T.notified("Tests: written to")
  end, "the tests edit")
  T.out.tests_message = T.notified("Tests: written to").msg
  local test_buf = vim.fn.bufnr(vim.fs.joinpath(vim.fn.getcwd(), "tests", "test_shapes.py"))
  T.check(test_buf > 0, "a buffer for tests/test_shapes.py")
  T.out.test_file = T.lines(test_buf)
  -- shown, not left as a hidden buffer: a window shows it and it is the current one
  T.out.test_visible = vim.fn.bufwinid(test_buf) ~= -1
  T.out.test_current = vim.api.nvim_get_current_buf() == test_buf
  T.out.test_listed = vim.bo[test_buf].buflisted
  T.out.buffer = T.lines(bufnr)
end
