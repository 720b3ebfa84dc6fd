-- No setup(): lsp/aurelis.lua on 'runtimepath' is enough for vim.lsp.enable("aurelis"), with
-- the default cmd (`aurelis serve` from PATH). Settings given the vim.lsp.config way reach the
-- server through workspace/configuration.
return function(T)
  vim.lsp.config("aurelis", {
    settings = { aurelis = { index = { enabled = false }, analysis = { enabled = false } } },
  })
  vim.lsp.enable("aurelis")
  local bufnr, client = T.open("pkg/shapes.py")
  T.out.cmd = client.config.cmd
  T.out.root_dir = client.root_dir or client.config.root_dir
  local tree = T.execute("syntaxTree", { uri = vim.uri_from_bufnr(bufnr) })
  T.out.has_module = tree.sexp:find("^%(module") ~= nil
  -- the server pulls workspace/configuration after `initialized`: wait for it to apply
  T.wait(function()
    T.out.settings = T.execute("settings", { uri = vim.uri_from_bufnr(bufnr) })
    return T.out.settings.index.enabled == false
  end, "the vim.lsp.config settings to reach the server")
end
