-- The :Aurelis* user commands. Each builds the one object argument of an `aurelis.*`
-- server command from the current buffer, runs it and shows the answer.
local client_mod = require("aurelis.client")
local exec = require("aurelis.exec")
local ui = require("aurelis.ui")

local M = {}

local function notify(msg, level)
  vim.notify("Aurelis: " .. msg, level or vim.log.levels.INFO)
end

-- The buffer, its client and URI; nil (after telling the user) when no server is attached.
local function target()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_mod.get(bufnr)
  if not client then
    notify("no Aurelis server is running (open a Python file, or see :checkhealth aurelis)", vim.log.levels.ERROR)
    return nil
  end
  return { bufnr = bufnr, client = client, uri = vim.uri_from_bufnr(bufnr), enc = client_mod.encoding(client) }
end

-- The command's line range, or the cursor line when none was given.
local function lines_of(t, cmd)
  if cmd.range > 0 then
    return client_mod.line_range(t.bufnr, cmd.line1, cmd.line2, t.enc)
  end
  local row = vim.api.nvim_win_get_cursor(0)[1]
  return client_mod.line_range(t.bufnr, row, row, t.enc)
end

-- Answers of the AI commands: an edit (already sent by the server with workspace/applyEdit,
-- or returned to apply here), or markdown to read.
local function show(title)
  return function(result, client)
    if ui.apply_edit(result, client) then
      notify(title .. ": edit applied")
      return
    end
    if type(result) == "table" and result.applied ~= nil then
      if result.applied then
        notify(title .. ": edit applied")
      else
        -- Nothing was changed; the answer is still worth reading.
        notify(title .. ": " .. tostring(result.message or "no edit applied"), vim.log.levels.WARN)
        if type(result.markdown) == "string" and result.markdown ~= "" then
          ui.float(result.markdown, title)
        end
      end
      return
    end
    if result == nil or result == vim.NIL or result == "" then
      notify(title .. ": no answer")
      return
    end
    if type(result) == "table" and type(result.markdown or result.text) == "string" then
      result = result.markdown or result.text
    end
    ui.float(ui.to_markdown(result), title)
  end
end

-- The LSP diagnostics of this server on lines line1..line2 (0-based).
local function diagnostics_on(t, first, last)
  -- Pushed (publishDiagnostics) or pulled (textDocument/diagnostic) ones live in different namespaces.
  local ours = {
    [vim.lsp.diagnostic.get_namespace(t.client.id, false)] = true,
    [vim.lsp.diagnostic.get_namespace(t.client.id, true)] = true,
  }
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(t.bufnr)) do
    if ours[d.namespace] and d.lnum >= first and d.lnum <= last and d.user_data and d.user_data.lsp then
      table.insert(out, d.user_data.lsp)
    end
  end
  return out
end

local function run(t, name, args, title, on_result)
  return exec.run(name, args, on_result or show(title), { client = t.client, bufnr = t.bufnr, title = title, slow = true })
end

M.explain = function(cmd)
  local t = target()
  if t then
    return run(t, "explain", { uri = t.uri, range = lines_of(t, cmd) }, "Explain")
  end
end

M.generate = function(cmd)
  local t = target()
  if not t then
    return
  end
  local args = { uri = t.uri, instruction = cmd.args }
  if cmd.range > 0 then
    args.range = lines_of(t, cmd)
  else
    args.position = client_mod.cursor_position(t.bufnr, t.enc)
  end
  return run(t, "generate", args, "Generate")
end

M.fix = function(cmd)
  local t = target()
  if not t then
    return
  end
  local range = lines_of(t, cmd)
  local args = { uri = t.uri, range = range }
  args.diagnostic = diagnostics_on(t, range.start.line, range["end"].line)[1]
  return run(t, "fix", args, "Fix")
end

M.docstring = function()
  local t = target()
  if t then
    return run(t, "docstring", { uri = t.uri, position = client_mod.cursor_position(t.bufnr, t.enc) }, "Docstring")
  end
end

-- Generated tests land in their test file's buffer (created by the server's edit): shown in a
-- split, with where it saves to; it is not written behind the user's back.
local function show_tests(result, client)
  if type(result) ~= "table" or not result.applied or type(result.uri) ~= "string" then
    return show("Tests")(result, client)
  end
  local bufnr = ui.show_file(result.uri)
  local path = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":~:.")
  local state = vim.bo[bufnr].modified and "not saved yet: :w to keep them" or "saved"
  notify(string.format("Tests: written to %s (%s)", path, state))
end

M.tests = function(cmd)
  local t = target()
  if t then
    return run(t, "tests", { uri = t.uri, range = lines_of(t, cmd) }, "Tests", show_tests)
  end
end

M.review = function(cmd)
  local t = target()
  if not t then
    return
  end
  local args = { uri = t.uri }
  if cmd.range > 0 then -- no range: the whole file
    args.range = lines_of(t, cmd)
  end
  return run(t, "review", args, "Review")
end

M.ask = function(cmd)
  local t = target()
  if not t then
    return
  end
  local float = show("Ask")
  return run(t, "ask", { question = cmd.args }, "Ask", function(result, client)
    float(result, client)
    -- The places the answer cites go to the quickfix list (not opened: the float has focus).
    local cites = type(result) == "table" and result.citations or {}
    if type(cites) == "table" and #cites > 0 then
      local items = vim.lsp.util.locations_to_items(cites, client_mod.encoding(client))
      vim.fn.setqflist({}, " ", { title = "Aurelis ask: " .. cmd.args, items = items })
      notify(#items .. " cited location(s) in the quickfix list")
    end
  end)
end

M.search = function(cmd)
  local t = target()
  if not t then
    return
  end
  local opts = require("aurelis.config").options.search
  local title = "Aurelis search: " .. cmd.args
  return exec.run("search", { query = cmd.args, k = opts.k }, function(results, client)
    local items = ui.search_items(results ~= vim.NIL and results or {}, client_mod.encoding(client))
    if #items == 0 then
      notify("no results for " .. cmd.args)
      return
    end
    if cmd.bang or opts.picker then
      ui.pick(items, title)
    else
      ui.quickfix(items, title)
    end
  end, { client = t.client, bufnr = t.bufnr, title = "Search" })
end

M.reindex = function()
  local t = target()
  if t then
    return exec.run("reindex", vim.empty_dict(), function(result)
      notify("reindex started" .. (type(result) == "string" and (": " .. result) or ""))
    end, { client = t.client, bufnr = t.bufnr, title = "Reindex" })
  end
end

M.status = function()
  local t = target()
  if t then
    return exec.run("status", vim.empty_dict(), function(result)
      ui.float(ui.status_markdown(result), "Aurelis status")
    end, { client = t.client, bufnr = t.bufnr, title = "Status" })
  end
end

M.cancel = function(cmd)
  if cmd.args == "index" then
    return exec.cancel_index()
  elseif cmd.args ~= "" then
    notify(":AurelisCancel takes no argument or `index`, not " .. cmd.args, vim.log.levels.ERROR)
    return 0
  end
  return exec.cancel_all()
end

M.restart = function()
  return require("aurelis.lifecycle").restart()
end

local specs = {
  { "AurelisExplain", M.explain, { range = true, desc = "Explain the selected lines (markdown float)" } },
  { "AurelisGenerate", M.generate, { range = true, nargs = "+", desc = "Generate code from an instruction" } },
  { "AurelisFix", M.fix, { range = true, desc = "AI fix of the lines (and their diagnostic)" } },
  { "AurelisDocstring", M.docstring, { desc = "Write the docstring of the definition at the cursor" } },
  { "AurelisTests", M.tests, { range = true, desc = "Write tests for the selected code" } },
  { "AurelisReview", M.review, { range = true, desc = "Review the selection, or the whole file" } },
  { "AurelisSearch", M.search, { nargs = "+", bang = true, desc = "Semantic search into the quickfix list (! = picker)" } },
  { "AurelisAsk", M.ask, { nargs = "+", desc = "Ask a question about the workspace" } },
  { "AurelisReindex", M.reindex, { desc = "Rebuild the workspace index" } },
  { "AurelisStatus", M.status, { desc = "Show the server's status" } },
  {
    "AurelisCancel",
    M.cancel,
    {
      nargs = "?",
      complete = function()
        return { "index" }
      end,
      desc = "Cancel the running AI requests (`index`: the index build instead)",
    },
  },
  { "AurelisRestart", M.restart, { desc = "Restart the Aurelis server (settings, a new version)" } },
}

function M.create()
  for _, s in ipairs(specs) do
    vim.api.nvim_create_user_command(s[1], s[2], s[3])
  end
end

return M
