-- :checkhealth aurelis with a configured provider: every check reports OK.
return function(T)
  local cmd = vim.env.AURELIS_HEALTH_CMD == "path" and { "aurelis", "serve" } or T.server_cmd()
  T.setup({ cmd = cmd, settings = { ai = { providers = T.providers() } } })
  vim.cmd("checkhealth aurelis")
  T.wait(function()
    return vim.bo.filetype == "checkhealth" and #vim.tbl_filter(function(l)
      return l:find("AI provider", 1, true)
    end, T.lines(0)) > 0
  end, "the health report")
  -- The report finishes with the provider section; wait for its result line.
  T.wait(function()
    return table.concat(T.lines(0), "\n"):find("provider configured", 1, true)
  end, "the provider check")
  T.out.report = T.lines(0)
  local text = table.concat(T.out.report, "\n")
  T.check(not text:find("ERROR", 1, true), "no ERROR in the report")
end
