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
  })
  M.float_win = win
  return buf, win
end

local function describe(r)
  local head = table.concat(vim.tbl_filter(function(s)
    return s ~= nil and s ~= ""
  end, { r.kind, r.name }), " ")
  local preview = vim.split(r.preview or "", "\n", { plain = true })[1] or ""
  local score = type(r.score) == "number" and string.format(" [%.2f]", r.score) or ""
  return vim.trim(head .. score .. " " .. vim.trim(preview))
end

--- Quickfix items (in result order) of `aurelis.search` results.
function M.search_items(results, encoding)
  local items = {}
  for _, r in ipairs(results or {}) do
    local loc = { uri = r.uri, range = r.range }
    local item = vim.lsp.util.locations_to_items({ loc }, encoding)[1]
    if item then
      item.text = describe(r)
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
