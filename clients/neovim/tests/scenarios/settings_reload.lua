-- One warning (with a did-you-mean) for a bad key sent both as initializationOptions and as the
-- workspace/configuration answer; a written pyproject.toml applies without a restart;
-- :AurelisRestart starts a new server for the same buffers; :AurelisStatus lists the providers.
return function(T)
  T.setup({
    settings = {
      index = { enabled = false, max_file_byte = 10 },
      ai = { providers = { { name = "fast", kind = "ollama", base_url = "http://127.0.0.1:9", model = "small" } } },
    },
  })
  local bufnr, client = T.open("pkg/shapes.py")
  local uri = vim.uri_from_bufnr(bufnr)
  local function settings()
    return T.execute("settings", { uri = uri })
  end
  T.wait(function()
    return T.notified("max_file_byte")
  end, "the bad-key warning")
  -- the server has pulled workspace/configuration once the folder's settings name the provider
  T.wait(function()
    return #settings().ai.providers == 1
  end, "the settings to be pulled")
  T.out.bad_key_warnings = vim.tbl_map(
    function(n)
      return n.msg
    end,
    vim.tbl_filter(function(n)
      return n.msg:find("max_file_byte", 1, true) ~= nil
    end, T.out.notifications)
  )
  T.out.log_level_before = settings().log_level

  vim.cmd.edit("pyproject.toml")
  vim.api.nvim_buf_set_lines(0, -1, -1, false, { "", "[tool.aurelis]", 'log_level = "debug"' })
  vim.cmd("silent write")
  vim.cmd.buffer(bufnr)
  T.wait(function()
    return settings().log_level == "debug"
  end, "the written pyproject.toml to apply")
  T.out.log_level_after = settings().log_level

  local status = T.execute("status", vim.empty_dict())
  T.out.status_providers = status.ai.providers
  vim.cmd("AurelisStatus")
  T.wait(function()
    return #T.floats() > 0
  end, "the status float")
  T.out.status_float = T.floats()[1].text

  local old_id = client.id
  vim.cmd("AurelisRestart")
  T.wait(function()
    local c = T.client(bufnr)
    return c and c.id ~= old_id and c.initialized
  end, "a new client for the buffer")
  T.out.restarted = T.client(bufnr).id ~= old_id
  T.out.clients_after_restart = #vim.lsp.get_clients({ name = "aurelis" })
  T.out.log_level_after_restart = settings().log_level
end
