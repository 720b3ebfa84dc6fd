-- doc/aurelis.txt builds its tags (no duplicates) and documents every :Aurelis* command.
return function(T)
  local doc = vim.fs.dirname(vim.env.AURELIS_NVIM_TESTS) .. "/doc"
  local copy = vim.fn.tempname()
  vim.fn.mkdir(copy, "p")
  vim.fn.writefile(vim.fn.readfile(doc .. "/aurelis.txt"), copy .. "/aurelis.txt")
  vim.cmd("helptags " .. vim.fn.fnameescape(copy))
  local tags = {}
  for _, line in ipairs(vim.fn.readfile(copy .. "/tags")) do
    tags[vim.split(line, "\t")[1]] = true
  end
  T.out.tags = vim.tbl_keys(tags)
  T.out.commands = vim.tbl_filter(function(name)
    return name:find("^Aurelis") ~= nil
  end, vim.tbl_keys(vim.api.nvim_get_commands({})))
  table.sort(T.out.commands)
  for _, name in ipairs(T.out.commands) do
    T.check(tags[":" .. name], "a help tag for :" .. name)
  end
end
