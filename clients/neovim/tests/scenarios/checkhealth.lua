-- :checkhealth aurelis with a configured provider: every check reports OK.
return function(T)
  local how = vim.env.AURELIS_HEALTH_CMD
  local cmd = how == "python" and T.server_cmd() or { "aurelis", "serve" }
  if how == "running" then
    -- The provider is only in pyproject.toml: the running server's settings are asked.
    T.setup({ cmd = cmd })
    T.open("pkg/shapes.py")
  else
    T.setup({ cmd = cmd, settings = { ai = { providers = T.providers() } } })
  end
  vim.cmd("checkhealth aurelis")
  T.wait(function()
    return vim.bo.filetype == "checkhealth" and #vim.tbl_filter(function(l)
      return l:find("AI provider", 1, true)
    end, T.lines(0)) > 0
  end, "the health report")
  -- The report finishes with the provider section; wait for its result line.
  T.wait(function()
    T.out.report = T.lines(0)
    return table.concat(T.lines(0), "\n"):find("provider configured", 1, true)
  end, "the provider check")
  T.out.report = T.lines(0)
  local text = table.concat(T.out.report, "\n")
  T.check(not text:find("ERROR", 1, true), "no ERROR in the report")
end
