-- setup() validates its options (vim.validate): a wrong one is a clear error naming it, and
-- nothing starts. A cmd that is not on $PATH is said once, with how to install and configure.
return function(T)
  local aurelis = require("aurelis")
  local function rejected(opts)
    local before = #T.out.notifications
    local ok = aurelis.setup(opts)
    local n = T.out.notifications[before + 1]
    return { ok = ok, msg = n and n.msg or "", level = n and n.level }
  end
  T.out.bad = {
    cmd = rejected({ cmd = "aurelis serve" }),
    k = rejected({ search = { k = 0 } }),
    progress = rejected({ progress = "yes" }),
    unknown = rejected({ colour = "blue" }),
  }
  T.out.clients_after_bad = #vim.lsp.get_clients()
  aurelis.setup({ cmd = { "aurelis-not-installed-here", "serve" }, settings = { index = { enabled = false } } })
  vim.cmd.edit("pkg/shapes.py")
  vim.cmd.edit("pkg/settings_file.py")
  T.wait(function()
    return T.notified("cannot start the language server")
  end, "the message about the missing server")
  T.out.missing = vim.tbl_filter(function(n)
    return n.msg:find("cannot start the language server", 1, true) ~= nil
  end, T.out.notifications)
end
