-- :AurelisCancel stops an AI command whose provider hangs: the request ends as cancelled,
-- nothing pops up, and the server answers the next command.
return function(T)
  local exec = require("aurelis.exec")
  T.setup({ settings = { ai = { providers = T.providers() } } })
  T.open("pkg/shapes.py")
  vim.cmd("6,10AurelisExplain")
  T.check(T.notified("Explain… (:AurelisCancel to stop)"), "the command announces itself")
  T.signal("provider-called") -- the fake provider holds the HTTP request
  vim.cmd("AurelisCancel")
  T.wait(function()
    return next(exec.pending) == nil
  end, "the cancelled request to finish")
  T.check(T.notified("Explain cancelled"), "the user is told it was cancelled")
  T.signal("provider-disconnected") -- the server dropped the HTTP request
  T.check(#T.floats() == 0, "no float from a cancelled command")
  vim.cmd("6,10AurelisExplain")
  T.wait(function()
    for _, f in ipairs(T.floats()) do
      if f.text:find(vim.env.AURELIS_LLM_REPLY, 1, true) then
        return true
      end
    end
  end, "the next explain to answer")
end
