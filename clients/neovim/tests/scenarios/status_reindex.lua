-- :AurelisStatus shows the index state in a float; :AurelisReindex runs another indexing pass.
return function(T)
  local progress = require("aurelis.progress")
  local function ends()
    return vim.tbl_filter(function(e)
      return e.kind == "end" and (e.title or ""):find("indexing", 1, true) ~= nil
    end, progress.history)
  end
  T.setup()
  T.open("pkg/shapes.py")
  T.wait(function()
    return #ends() == 1
  end, "the first indexing pass", 120000)
  T.out.first_end = ends()[1].message
  vim.cmd("AurelisStatus")
  T.wait(function()
    for _, f in ipairs(T.floats()) do
      if f.text:find("**state**: ready", 1, true) then
        T.out.status_text = f.text
        return true
      end
    end
  end, "the status float")
  vim.cmd("AurelisReindex")
  T.wait(function()
    return #ends() == 2
  end, "the second indexing pass", 120000)
  T.out.second_end = ends()[2].message
end
