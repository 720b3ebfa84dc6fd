-- :AurelisPlan, :AurelisImplement, :AurelisReport: the AOMaaS loop (plan a large opportunity,
-- implement the plan across files with a preview before applying, rank the workspace's
-- opportunities). Kept in its own module: the server does the work, this only shows it.
local client_mod = require("aurelis.client")
local exec = require("aurelis.exec")
local ui = require("aurelis.ui")

local M = {}

-- The plan of the last :AurelisPlan, for :AurelisImplement.
M.last_plan = nil

local LARGE = { AUR410 = true, AUR405 = true, AUR403 = true, AUR406 = true, AUR411 = true }

local function notify(msg, level)
  vim.notify("Aurelis: " .. msg, level or vim.log.levels.INFO)
end

-- This server's diagnostic of a large opportunity on the cursor line, as LSP sent it.
local function large_diagnostic(bufnr, client)
  local row = vim.api.nvim_win_get_cursor(0)[1] - 1
  local ours = {
    [vim.lsp.diagnostic.get_namespace(client.id, false)] = true,
    [vim.lsp.diagnostic.get_namespace(client.id, true)] = true,
  }
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = row })) do
    local lsp = d.user_data and d.user_data.lsp
    if ours[d.namespace] and lsp and LARGE[tostring(lsp.code)] then
      return lsp
    end
  end
  return nil
end

M.plan = function()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_mod.get(bufnr)
  if not client then
    notify("no Aurelis server is running", vim.log.levels.ERROR)
    return
  end
  local diagnostic = large_diagnostic(bufnr, client)
  if not diagnostic then
    notify("no large opportunity (duplicate, long/complex function, dead code) on this line", vim.log.levels.WARN)
    return
  end
  local args = { uri = vim.uri_from_bufnr(bufnr), diagnostic = diagnostic }
  return exec.run("plan", args, function(result)
    M.last_plan = result.plan
    ui.float(result.markdown, "Plan (:AurelisImplement to implement it)")
  end, { client = client, bufnr = bufnr, title = "Plan", slow = true })
end

-- The user's yes or no (replaceable, e.g. by a UI plugin).
function M.confirm(question)
  return vim.fn.confirm(question, "&Apply\n&Cancel", 2) == 1
end

-- Show the implementation as a diff and apply it only when the user says so.
function M.preview(result, client)
  local lines = vim.split(result.diff or "", "\n", { plain = true })
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].filetype = "diff"
  vim.bo[buf].modifiable = false
  vim.cmd("tab sbuffer " .. buf)
  if not result.verified then
    notify(tostring(result.message or "the implementation was not verified"), vim.log.levels.WARN)
    return false
  end
  vim.cmd("redraw")
  if M.confirm(tostring(result.message) .. "\nApply it to " .. #(result.files or {}) .. " file(s)?") then
    vim.lsp.util.apply_workspace_edit(result.edit, client_mod.encoding(client))
    notify("implementation applied")
    return true
  end
  notify("implementation not applied")
  return false
end

M.implement = function()
  if not M.last_plan then
    notify("run :AurelisPlan first", vim.log.levels.WARN)
    return
  end
  return exec.run("implement", { plan = M.last_plan }, function(result, client)
    if result.diff == nil then
      notify(tostring(result.message or "no implementation"), vim.log.levels.WARN)
      return
    end
    M.preview(result, client)
  end, { title = "Implement", slow = true })
end

M.report = function()
  return exec.run("report", { uri = vim.uri_from_bufnr(0), format = "markdown" }, function(result)
    ui.float(result.text, "Opportunities (" .. tostring(result.total) .. ")")
  end, { title = "Report", slow = true })
end

function M.create()
  vim.api.nvim_create_user_command("AurelisPlan", M.plan, { desc = "Plan the large opportunity on the cursor line" })
  vim.api.nvim_create_user_command("AurelisImplement", M.implement, { desc = "Implement the last plan (diff preview, then apply)" })
  vim.api.nvim_create_user_command("AurelisReport", M.report, { desc = "The workspace's opportunities, ranked" })
end

return M
