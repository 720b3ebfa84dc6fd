-- The index build reports progress (LspProgress), then :AurelisSearch fills the quickfix list.
return function(T)
  local progress = require("aurelis.progress")
  T.setup()
  T.open("pkg/shapes.py")
  T.wait(function()
    for _, e in ipairs(progress.history) do
      if e.kind == "end" and (e.title or ""):find("indexing", 1, true) then
        return true
      end
    end
  end, "the indexing progress to end", 120000)
  T.out.progress = progress.history
  vim.cmd("AurelisSearch " .. vim.env.AURELIS_QUERY)
  T.wait(function()
    return next(require("aurelis.exec").pending) == nil and #vim.fn.getqflist() > 0
  end, "search results in the quickfix list")
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  T.out.title = qf.title
  T.out.items = vim.tbl_map(function(item)
    return { file = vim.api.nvim_buf_get_name(item.bufnr), lnum = item.lnum, col = item.col, text = item.text }
  end, qf.items)
  T.out.qf_window_open = vim.fn.getqflist({ winid = 1 }).winid ~= 0
end
