-- setup() (vim.lsp.config + vim.lsp.enable on 0.11+, vim.lsp.start when forced) attaches to a
-- Python buffer with the workspace root, and edits reach the server's document.
return function(T)
  -- A non-default setting shows that setup()'s settings reach the server.
  T.setup({ _legacy_start = vim.env.AURELIS_LEGACY == "1", settings = { index = { max_file_bytes = 4242 } } })
  local bufnr, client = T.open("pkg/shapes.py")
  T.out.root_dir = client.root_dir or client.config.root_dir
  T.out.server_name = client.server_info and client.server_info.name
  T.out.offset_encoding = client.offset_encoding
  vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { "GREETING = 'héllo'" })
  local tree = T.execute("syntaxTree", { uri = vim.uri_from_bufnr(bufnr), include_text = true })
  T.check(tree.text == table.concat(T.lines(bufnr), "\n") .. "\n", "server text equals the buffer")
  T.out.server_first_line = vim.split(tree.text, "\n")[1]
  T.out.version = tree.version
  T.out.clients = #vim.lsp.get_clients({ name = "aurelis" })
  T.out.enabled = vim.lsp.is_enabled("aurelis") -- false on the vim.lsp.start path
  T.out.settings = T.execute("settings", { uri = vim.uri_from_bufnr(bufnr) })
end
