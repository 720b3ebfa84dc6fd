-- Showing results: markdown floats, the quickfix list and a vim.ui.select picker.
local client_mod = require("aurelis.client")

local M = {}

local function scalar(v)
  if v == vim.NIL or v == nil then
    return "none"
  end
  return tostring(v)
end

-- Markdown lines of any command result: a string as is, tables as nested bullet lists.
function M.to_markdown(value, indent)
  indent = indent or ""
  if value == nil or value == vim.NIL then
    return {}
  end
  if type(value) ~= "table" then
    return vim.split(tostring(value), "\n", { plain = true })
  end
  local lines = {}
  if vim.islist(value) then
    for i, item in ipairs(value) do
      if type(item) == "table" and not vim.tbl_isempty(item) then
        local label = not vim.islist(item) and (item.name or item.folder or item.uri) or nil
        table.insert(lines, string.format("%s- %s", indent, label and tostring(label) or ("#" .. i)))
        vim.list_extend(lines, M.to_markdown(item, indent .. "  "))
      else
        table.insert(lines, string.format("%s- %s", indent, type(item) == "table" and "none" or scalar(item)))
      end
    end
    return lines
  end
  local keys = vim.tbl_keys(value)
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = value[k]
    if type(v) == "table" and not vim.tbl_isempty(v) then
      table.insert(lines, string.format("%s- **%s**:", indent, k))
      vim.list_extend(lines, M.to_markdown(v, indent .. "  "))
    else
      table.insert(lines, string.format("%s- **%s**: %s", indent, k, type(v) == "table" and "none" or scalar(v)))
    end
  end
  return lines
end

--- A markdown float near the cursor; returns its buffer and window.
function M.float(markdown, title)
  local opts = require("aurelis.config").options.float
  local lines = type(markdown) == "table" and markdown or vim.split(markdown or "", "\n", { plain = true })
  if title then
    table.insert(lines, 1, "# " .. title)
    table.insert(lines, 2, "")
  end
  -- A new answer replaces the previous one (a shared focus_id would focus the old float instead).
  if M.float_win and vim.api.nvim_win_is_valid(M.float_win) then
    vim.api.nvim_win_close(M.float_win, true)
  end
  local buf, win = vim.lsp.util.open_floating_preview(lines, "markdown", {
    border = opts.border,
    max_width = opts.max_width,
    max_height = opts.max_height,
    wrap = true,
  })
  -- Wrap at word boundaries, not mid-word; indented continuation lines keep lists readable.
  vim.wo[win].linebreak = true
  vim.wo[win].breakindent = true
  M.float_win = win
  return buf, win
end

-- The rank, not the score: fused (reciprocal-rank) scores are ~0.03 for every hit.
local function describe(r, rank)
  local head = table.concat(vim.tbl_filter(function(s)
    return s ~= nil and s ~= ""
  end, { r.kind, r.name }), " ")
  local preview = vim.split(r.preview or "", "\n", { plain = true })[1] or ""
  return vim.trim(string.format("#%d %s %s", rank, head, vim.trim(preview)))
end

--- Quickfix items (in result order, ranked #1, #2, ...) of `aurelis.search` results.
function M.search_items(results, encoding)
  local items = {}
  for _, r in ipairs(results or {}) do
    local loc = { uri = r.uri, range = r.range }
    local item = vim.lsp.util.locations_to_items({ loc }, encoding)[1]
    if item then
      item.text = describe(r, #items + 1)
      item.user_data = r
      table.insert(items, item)
    end
  end
  return items
end

function M.quickfix(items, title)
  vim.fn.setqflist({}, " ", { title = title, items = items })
  vim.cmd("botright copen")
end

function M.pick(items, title)
  vim.ui.select(items, {
    prompt = title,
    format_item = function(item)
      return string.format("%s:%d  %s", vim.fn.fnamemodify(item.filename, ":~:."), item.lnum, item.text)
    end,
  }, function(item)
    if not item then
      return
    end
    vim.cmd.edit(vim.fn.fnameescape(item.filename))
    vim.api.nvim_win_set_cursor(0, { item.lnum, math.max(item.col - 1, 0) })
  end)
end

local function providers_line(ai)
  if type(ai) ~= "table" then
    return nil
  end
  if ai.enabled == false then
    return "**AI**: off (`ai.enabled = false`)"
  end
  local names = {}
  for _, p in ipairs(type(ai.providers) == "table" and ai.providers or {}) do
    table.insert(names, string.format("`%s` (%s, %s)", tostring(p.name), tostring(p.kind), tostring(p.model)))
  end
  if #names == 0 then
    return "**AI providers**: none configured (set `ai.providers`, see :help aurelis-setup)"
  end
  return "**AI providers** (in order): " .. table.concat(names, ", ")
end

--- `aurelis.status` as markdown: the index and the provider chain first, then every detail.
function M.status_markdown(status)
  if type(status) ~= "table" then
    return M.to_markdown(status)
  end
  local lines = {}
  if status.state then
    local counts = ""
    if status.state == "indexing" and type(status.files_total) == "number" and status.files_total > 0 then
      counts = string.format(", %d/%d files", status.files_done or 0, status.files_total)
    elseif type(status.files_indexed) == "number" then
      counts = string.format(", %d files, %s chunks", status.files_indexed, tostring(status.chunks))
    end
    table.insert(lines, string.format("**Index**: %s%s", status.state, counts))
  end
  local providers = providers_line(status.ai)
  if providers then
    table.insert(lines, providers)
  end
  table.insert(lines, "")
  local rest = vim.deepcopy(status)
  rest.ai = nil
  vim.list_extend(lines, M.to_markdown(rest))
  return lines
end

--- Show the buffer of `uri` in a split (the server created or edited it through
--- workspace/applyEdit, which leaves it hidden and unsaved); returns its buffer and window.
function M.show_file(uri)
  local bufnr = vim.uri_to_bufnr(uri)
  vim.fn.bufload(bufnr)
  vim.bo[bufnr].buflisted = true
  local win = vim.fn.bufwinid(bufnr)
  if win == -1 then
    vim.cmd("belowright split")
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, bufnr)
  else
    vim.api.nvim_set_current_win(win)
  end
  return bufnr, win
end

--- Apply what an edit-producing command returned: a WorkspaceEdit, or { edit = WorkspaceEdit, ... }.
--- Returns true when something was applied.
function M.apply_edit(result, client)
  if type(result) ~= "table" then
    return false
  end
  local edit = (result.changes or result.documentChanges) and result or result.edit
  if type(edit) ~= "table" or not (edit.changes or edit.documentChanges) then
    return false
  end
  vim.lsp.util.apply_workspace_edit(edit, client_mod.encoding(client))
  return true
end

return M
