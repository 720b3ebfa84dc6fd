-- Finding the Aurelis client and talking to it, across Neovim 0.10 (client.request) and
-- 0.11+ (client:request).
local M = {}

M.name = "aurelis"
local has_011 = vim.fn.has("nvim-0.11") == 1

--- The Aurelis client of `bufnr` (current buffer by default), else any running one.
function M.get(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local attached = vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
  if attached[1] then
    return attached[1]
  end
  return vim.lsp.get_clients({ name = M.name })[1]
end

function M.request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

function M.notify(client, method, params)
  if has_011 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

function M.cancel(client, id)
  if has_011 then
    return client:cancel_request(id)
  end
  return client.cancel_request(id)
end

function M.stop(client, force)
  if has_011 then
    return client:stop(force)
  end
  return client.stop(force)
end

function M.is_stopped(client)
  if has_011 then
    return client:is_stopped()
  end
  return client.is_stopped()
end

function M.encoding(client)
  return client.offset_encoding or "utf-16"
end

-- Column (in the client's position encoding) of byte `col` on 0-based `row`.
local function character(bufnr, row, col, encoding)
  if encoding == "utf-8" then
    return col
  end
  return vim.lsp.util.character_offset(bufnr, row, col, encoding)
end

--- LSP range covering whole lines line1..line2 (1-based, inclusive).
function M.line_range(bufnr, line1, line2, encoding)
  local last = vim.api.nvim_buf_get_lines(bufnr, line2 - 1, line2, false)[1] or ""
  return {
    start = { line = line1 - 1, character = 0 },
    ["end"] = { line = line2 - 1, character = character(bufnr, line2 - 1, #last, encoding) },
  }
end

--- LSP position of the cursor in the current window.
function M.cursor_position(bufnr, encoding)
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  return { line = row - 1, character = character(bufnr, row - 1, col, encoding) }
end

return M
