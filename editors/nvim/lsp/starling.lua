--- starling: a language server that coaches behavioral-interview stories written in Markdown.
---
--- Drop this file into `~/.config/nvim/lsp/` (or add `editors/nvim` to 'runtimepath') and call
--- `vim.lsp.enable('starling')` (Neovim 0.11+). It attaches only to story files:
---   * `*.story.md`,
---   * Markdown files with a `stories/` directory in their path,
---   * Markdown files whose YAML front matter has a `prompt:`, `prompts:` or `theme:` key
---     (or `starling: true`),
---   * Markdown files matching one of the globs in `init_options.include`.
--- The project root is the nearest directory with a `starling.toml`, else with `.git`, else the
--- file's own directory.
---
--- Settings are sent as `initializationOptions`:
---   { theme = 'failure' | 'star' | nil, rules = { ['rule-id'] = 'off' | 'error' | 'warning' | 'info' | 'hint' }, include = { 'glob', ... } | nil }
--- e.g. vim.lsp.config('starling', { init_options = { rules = { ['speaking-time'] = 'off' } } })
--- `include` adds to the story globs: the server is sent them all (see before_init), as the VS
--- Code extension does; without it, the server uses starling.toml or its defaults.
---
--- Only needs Neovim 0.8+ APIs, so the same table also serves `vim.lsp.start` (see README.md).

local ROOT_MARKERS = { 'starling.toml', '.git' }
local STORY_GLOBS = { '**/*.story.md', '**/stories/**/*.md' } -- also the server's defaults
local FRONT_MATTER_LINES = 60 -- front matter longer than this is not looked at

local uv = vim.uv or vim.loop
local config

--- Globs from `init_options.include` of the resolved config (0.11+), else of this table.
local function include_globs()
  local ok, resolved = pcall(function()
    return vim.lsp.config.starling
  end)
  local opts = (ok and type(resolved) == 'table' and resolved.init_options) or config.init_options or {}
  return opts.include or {}
end

--- A glob that does not start with `/` or `**/` may match anywhere below the root, as if
--- prefixed with `**/` (the VS Code extension does the same).
local function normalize(glob)
  if glob:sub(1, 1) ~= '/' and glob:sub(1, 3) ~= '**/' then
    return '**/' .. glob
  end
  return glob
end

--- Whether `path` matches `glob`.
local function glob_match(glob, path)
  glob = normalize(glob)
  if vim.glob and vim.glob.to_lpeg then
    return vim.glob.to_lpeg(glob):match(path) ~= nil
  end
  return vim.regex(vim.fn.glob2regpat(glob)):match_str(path) ~= nil
end

--- Whether the buffer's YAML front matter marks the file as holding stories.
local function front_matter_says_story(bufnr)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, FRONT_MATTER_LINES, false)
  if not lines[1] or not lines[1]:match('^%-%-%-%s*$') then
    return false
  end
  for i = 2, #lines do
    local line = lines[i]
    if line:match('^%-%-%-%s*$') or line:match('^%.%.%.%s*$') then
      return false
    end
    local key = line:match('^(%w+)%s*:')
    key = key and key:lower()
    if key == 'prompt' or key == 'prompts' or key == 'theme' then
      return true
    end
    if key == 'starling' and line:match(':%s*true%s*$') then
      return true
    end
  end
  return false
end

--- Whether the buffer is a story file starling should lint.
local function is_story(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path ~= '' then
    path = vim.fs.normalize(vim.fn.fnamemodify(path, ':p'))
    if path:match('%.story%.md$') or path:find('/stories/', 1, true) then
      return true
    end
    for _, glob in ipairs(include_globs()) do
      if glob_match(glob, path) then
        return true
      end
    end
  end
  return front_matter_says_story(bufnr)
end

--- The nearest ancestor with a root marker (tried in order), else the file's directory.
local function find_root(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local dir = path ~= '' and vim.fs.dirname(vim.fs.normalize(vim.fn.fnamemodify(path, ':p'))) or uv.cwd()
  for _, marker in ipairs(ROOT_MARKERS) do
    local found = vim.fs.find(marker, { path = dir, upward = true, limit = 1 })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  return dir
end

---@type vim.lsp.Config
config = {
  cmd = { 'starling', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = ROOT_MARKERS,
  -- Calls on_dir (so the server starts or attaches) only for story files. Synchronous, so it
  -- can also be used directly with vim.lsp.start.
  root_dir = function(bufnr, on_dir)
    if is_story(bufnr) then
      on_dir(find_root(bufnr))
    end
  end,
  -- `rules` must encode as a JSON object even when empty.
  init_options = { rules = vim.empty_dict() },
  -- The server takes `include` as the whole list of story globs: send the defaults with the
  -- user's globs (normalized), as the VS Code extension does.
  before_init = function(params, cfg)
    local include = cfg.init_options and cfg.init_options.include
    if type(include) == 'table' and #include > 0 then
      local all = vim.list_extend(vim.list_slice(STORY_GLOBS), vim.tbl_map(normalize, include))
      params.initializationOptions = vim.tbl_extend('force', {}, params.initializationOptions or {}, { include = all })
    end
  end,
}

return config
