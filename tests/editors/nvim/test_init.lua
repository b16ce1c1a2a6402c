-- Headless Neovim end-to-end test of starling's shipped Neovim config (editors/nvim), run by
-- run.sh as:  nvim --headless --clean -u test_init.lua
-- It puts editors/nvim on the runtimepath (so lsp/starling.lua and plugin/starling.lua load as
-- a user's would), starts the server the way the README says, and drives Neovim as a user:
-- `K` for hover and `gra` for the quick fix.
--
-- Environment (run.sh sets it from expect.env):
--   REPO, E2E_DIR        the repository and tests/editors
--   E2E_MODE             "enable" (vim.lsp.enable('starling'), 0.11+) or "start" (the README's
--                        vim.lsp.start block, run as it is)
--   E2E_FILE             the story to open
--   E2E_CODE             rule id a diagnostic must carry as its code
--   E2E_SOURCE           the diagnostics' source (empty: not checked)
--   E2E_ACTION           substring of the quick-fix title to pick from `gra`'s menu
--   E2E_EXPECT_TEXT      text the buffer must contain after the quick fix
--   E2E_EXPECT_HOVER     text `K` must show over the diagnostic
--   E2E_TIMEOUT_MS       per-wait timeout (default 20000)
-- Exits 0 when every check passed, 1 otherwise (also on a Lua error or the global timeout).

local function env(k, d)
  local v = os.getenv(k)
  if v == nil or v == '' then
    return d
  end
  return v
end
local REPO = assert(os.getenv('REPO'), 'REPO is not set')
local E2E_DIR = assert(os.getenv('E2E_DIR'), 'E2E_DIR is not set')
local FIXTURES = E2E_DIR .. '/fixtures'
local MODE = env('E2E_MODE', 'enable')
local FILE = vim.fn.fnamemodify(env('E2E_FILE', FIXTURES .. '/stories/weak.md'), ':p')
local CODE = env('E2E_CODE', 'missing-learning')
local SOURCE = env('E2E_SOURCE', nil)
local ACTION = env('E2E_ACTION', 'Insert a Learning part')
local EXPECT_TEXT = env('E2E_EXPECT_TEXT', '## Learning')
local EXPECT_HOVER = env('E2E_EXPECT_HOVER', CODE)
local TIMEOUT = tonumber(env('E2E_TIMEOUT_MS', '20000'))

local t0 = vim.uv.hrtime()
local failures, passes = 0, 0
local function log(fmt, ...)
  io.stdout:write(string.format('[%6.0f ms] ', (vim.uv.hrtime() - t0) / 1e6), string.format(fmt, ...), '\n')
end
local function check(ok, what, detail)
  if ok then
    passes = passes + 1
    log('PASS %s', what)
  else
    failures = failures + 1
    log('FAIL %s%s', what, detail and (': ' .. tostring(detail)) or '')
  end
  return ok
end
local function finish()
  -- Let requests due soon (pull diagnostics after the last didOpen) go out and finish first: a
  -- request sent after `shutdown` is rightly refused by the server, which shows as a message.
  local quiet_since = vim.uv.now()
  vim.wait(2000, function()
    for _, c in ipairs(vim.lsp.get_clients()) do
      if next(c.requests or {}) ~= nil then
        quiet_since = vim.uv.now()
      end
    end
    return vim.uv.now() - quiet_since > 300
  end, 20)
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop()
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  log('%d passed, %d failed', passes, failures)
  io.stdout:flush()
  vim.cmd(failures == 0 and passes > 0 and 'qall!' or 'cquit! 1')
end

-- Global safety net: never hang CI.
vim.defer_fn(function()
  log('global timeout')
  failures = failures + 1
  finish()
end, 6 * TIMEOUT)

-- What a user does: the shipped folder on the runtimepath, then the README's setup.
vim.opt.runtimepath:prepend(REPO .. '/editors/nvim')
if MODE == 'enable' then
  vim.lsp.enable('starling')
else
  local readme = table.concat(vim.fn.readfile(REPO .. '/editors/nvim/README.md'), '\n')
  local block = readme:match('<!%-%- tested:[^\n]*%-%->\n```lua\n(.-)\n```')
  assert(block, 'editors/nvim/README.md has no "<!-- tested: -->" Lua block')
  assert(loadstring(block, '=README.md vim.lsp.start block'))()
end

local function open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

-- Messages Neovim shows the user (vim.notify), e.g. "Client starling quit with exit code 2".
local notified = {}
local notify = vim.notify
vim.notify = function(msg, ...)
  table.insert(notified, tostring(msg))
  notify(msg, ...)
  io.stderr:write('\n') -- headless Neovim prints the message without one
end
local function server_quit()
  for _, m in ipairs(notified) do
    if m:match('Client starling quit') then
      return true
    end
  end
  return false
end

--- The initialized starling client attached to buf, waiting up to ms; nil if none (early when
--- the server process quit).
local function attached(buf, ms)
  local client
  vim.wait(ms, function()
    client = vim.lsp.get_clients({ bufnr = buf, name = 'starling' })[1]
    return server_quit() or (client ~= nil and client.initialized)
  end, 20)
  if server_quit() then
    log('  the starling server quit (see lsp.log below)')
  end
  return client ~= nil and client.initialized and client or nil
end

local function buf_text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

local function floats()
  local wins = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      table.insert(wins, w)
    end
  end
  return wins
end

local function with_code(diags, code)
  for _, d in ipairs(diags) do
    if tostring(d.code) == code then
      return d
    end
  end
end

--- The buffer-local mapping of lhs (in the current buffer) set by plugin/starling.lua, if any.
local function starling_map(mode, lhs)
  local m = vim.fn.maparg(lhs, mode, false, true)
  if m.buffer == 1 and (m.desc or ''):match('^starling') then
    return m
  end
end

local function main()
  log('nvim %s, mode=%s, starling=%s', tostring(vim.version()), MODE, vim.fn.exepath('starling'))
  check(vim.g.loaded_starling == true, 'plugin/starling.lua loaded from the runtimepath')
  if MODE == 'enable' then
    local cfg = vim.lsp.config.starling
    check(cfg and vim.deep_equal(cfg.cmd, { 'starling', 'lsp' }), "lsp/starling.lua resolved: cmd = { 'starling', 'lsp' }")
  end

  -- 1. The story attaches the server.
  local buf = open(FILE)
  check(vim.bo[buf].filetype == 'markdown', 'filetype is markdown', vim.bo[buf].filetype)
  local client = attached(buf, TIMEOUT)
  if not check(client ~= nil, 'starling attached to ' .. FILE:gsub('^' .. vim.pesc(E2E_DIR) .. '/', '')) then
    return finish()
  end
  log('  server: %s, root: %s', vim.inspect(client.server_info), client.root_dir)
  check(client.root_dir == FIXTURES, 'root is the directory with starling.toml', client.root_dir)

  -- 2. Diagnostics, with rule ids as codes.
  local diags = {}
  vim.wait(TIMEOUT, function()
    diags = vim.diagnostic.get(buf)
    return with_code(diags, CODE) ~= nil
  end, 20)
  for _, d in ipairs(diags) do
    log('  diag %d:%d [%s %s] %s', d.lnum + 1, d.col + 1, d.source or '?', tostring(d.code), d.message)
  end
  check(#diags > 0, 'diagnostics published')
  local target = with_code(diags, CODE)
  if not check(target ~= nil, 'a diagnostic has code ' .. CODE) then
    return finish()
  end
  if SOURCE then
    check(target.source == SOURCE, 'its source is ' .. SOURCE, target.source)
  end

  -- 3. Keymaps from plugin/starling.lua.
  for _, lhs in ipairs({ 'K', 'gra', '<leader>ca', '<leader>sr' }) do
    check(starling_map('n', lhs) ~= nil, 'keymap ' .. lhs .. ' set on attach')
  end

  -- 4. Hover: `K` on the diagnostic opens a float explaining it.
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local before_floats = #floats()
  vim.api.nvim_feedkeys('K', 'mx', false)
  local got = vim.wait(TIMEOUT, function()
    return #floats() > before_floats
  end, 20)
  local hover = ''
  for _, w in ipairs(floats()) do
    hover = hover .. buf_text(vim.api.nvim_win_get_buf(w))
  end
  log('  hover: %s', (hover:gsub('\n', ' | '):sub(1, 400)))
  if check(got, '`K` opened a hover window') then
    check(hover:find(EXPECT_HOVER, 1, true) ~= nil, 'hover contains ' .. EXPECT_HOVER)
  end
  for _, w in ipairs(floats()) do
    vim.api.nvim_win_close(w, true)
  end

  -- 5. :StarlingRuleDoc on the diagnostic opens the rule's page (vim.ui.open stubbed).
  local opened
  local ui_open = vim.ui.open
  vim.ui.open = function(url)
    opened = url
  end
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  vim.cmd('StarlingRuleDoc')
  vim.ui.open = ui_open
  local doc = 'https://github.com/starling-coach/starling/blob/main/docs/rules/' .. CODE .. '.md'
  check(opened == doc, ':StarlingRuleDoc opens ' .. doc, opened)

  -- 6. Quick fix: `gra` on the diagnostic, pick the action from the menu (vim.ui.select).
  local offered, picked = {}, nil
  local select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      table.insert(offered, opts.format_item and opts.format_item(item) or tostring(item))
    end
    for i, item in ipairs(items) do
      if offered[#offered - #items + i]:find(ACTION, 1, true) then
        picked = offered[#offered - #items + i]
        return on_choice(item, i)
      end
    end
    on_choice(nil, nil)
  end
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local before = buf_text(buf)
  vim.api.nvim_feedkeys('gra', 'mx', false)
  local changed = vim.wait(TIMEOUT, function()
    return buf_text(buf) ~= before
  end, 20)
  vim.ui.select = select
  log('  offered: %s', table.concat(offered, ' | '))
  check(picked ~= nil, '`gra` offered a quick fix titled "' .. ACTION .. '"', table.concat(offered, ' | '))
  if check(changed, 'the quick fix changed the buffer') then
    check(buf_text(buf):find(EXPECT_TEXT, 1, true) ~= nil, 'buffer contains ' .. EXPECT_TEXT, buf_text(buf))
  end
  local gone = vim.wait(TIMEOUT, function()
    return with_code(vim.diagnostic.get(buf), CODE) == nil
  end, 20)
  check(gone, 'no ' .. CODE .. ' diagnostic after the fix')

  -- 7. Which files attach: only stories.
  check(attached(open(FIXTURES .. '/notes.md'), 500) == nil, 'not attached to a plain Markdown file (notes.md)')
  local story_md = open(FIXTURES .. '/late-nights.story.md')
  check(attached(story_md, TIMEOUT) ~= nil, 'attached to *.story.md')
  check(vim.wait(TIMEOUT, function()
    return #vim.diagnostic.get(story_md) > 0
  end, 20), 'the server lints it (diagnostics for late-nights.story.md)')
  check(attached(open(FIXTURES .. '/prep/failure.md'), TIMEOUT) ~= nil, 'attached to a file with theme: in its front matter')
  local draft = open(FIXTURES .. '/drafts/late.md')
  check(attached(draft, 500) == nil, 'not attached to drafts/late.md (no front matter, not a story path)')

  -- 8. Settings changed while the server runs (the README's didChangeConfiguration snippet).
  vim.api.nvim_set_current_buf(story_md)
  local function notify_rules(rules)
    vim.lsp.get_clients({ name = 'starling' })[1]:notify('workspace/didChangeConfiguration',
      { settings = { starling = { rules = rules } } })
  end
  notify_rules({ [CODE] = 'off' })
  check(vim.wait(TIMEOUT, function()
    return with_code(vim.diagnostic.get(story_md), CODE) == nil
  end, 20), 'rules { ' .. CODE .. ' = "off" } sent in didChangeConfiguration silences it')
  notify_rules(vim.empty_dict())
  check(vim.wait(TIMEOUT, function()
    return with_code(vim.diagnostic.get(story_md), CODE) ~= nil
  end, 20), 'rules {} brings it back')

  if MODE == 'enable' then
    vim.lsp.config('starling', { init_options = { include = { 'drafts/*.md' } } })
    vim.cmd.bwipeout({ args = { draft }, bang = true })
    check(attached(open(FIXTURES .. '/drafts/late.md'), TIMEOUT) ~= nil, 'attached to it once init_options.include names drafts/*.md')
  end
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, e = xpcall(main, debug.traceback)
      if not ok then
        failures = failures + 1
        log('ERROR %s', e)
        finish()
      end
    end)
  end,
})
