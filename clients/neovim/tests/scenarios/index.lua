-- One indexed session: the build reports progress (LspProgress), :AurelisSearch fills the
-- quickfix list, :AurelisStatus shows the index in a float, :AurelisReindex runs a second pass.
return function(T)
  local progress = require("aurelis.progress")
  local function ends()
    return vim.tbl_filter(function(e)
      return e.kind == "end" and (e.title or ""):find("indexing", 1, true) ~= nil
    end, progress.history)
  end
  T.setup({ progress = true, settings = { index = { enabled = true } } })
  T.open("pkg/shapes.py")
  -- :AurelisCancel while the index builds cancels AI requests only: the build goes on.
  T.wait(function()
    for token, p in pairs(progress.active) do
      if progress.is_index(token, p) then
        return true
      end
    end
  end, "the index build to begin", 120000)
  vim.cmd("AurelisCancel")
  T.out.index_active_at_cancel = #ends() == 0
  T.out.cancel_message = T.out.notifications[#T.out.notifications].msg
  T.wait(function()
    return #ends() == 1
  end, "the indexing progress to end", 120000)
  T.out.first_end = ends()[1].message

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

  vim.cmd("wincmd p") -- back to the Python buffer from the quickfix window

  -- With a bang the hits go to vim.ui.select; choosing one jumps there.
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = { prompt = opts.prompt, first = opts.format_item(items[1]), count = #items }
    on_choice(items[1], 1)
  end
  vim.cmd("AurelisSearch! " .. vim.env.AURELIS_QUERY)
  T.wait(function()
    return offered ~= nil
  end, "the search picker")
  T.out.picker = offered
  T.out.picked = { file = vim.api.nvim_buf_get_name(0), lnum = vim.api.nvim_win_get_cursor(0)[1] }
  vim.cmd("buffer pkg/shapes.py")
  vim.cmd("AurelisStatus")
  T.wait(function()
    for _, f in ipairs(T.floats()) do
      if f.text:find("**state**: ready", 1, true) then
        T.out.status_text = f.text
        T.out.float_wrap = { wrap = vim.wo[f.win].wrap, linebreak = vim.wo[f.win].linebreak }
        return true
      end
    end
  end, "the status float")

  vim.cmd("AurelisReindex")
  T.wait(function()
    return #ends() == 2
  end, "the second indexing pass", 120000)
  T.out.second_end = ends()[2].message
  T.out.progress = progress.history
end
