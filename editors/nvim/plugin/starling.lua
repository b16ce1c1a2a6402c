-- starling: keymaps and a command for buffers where the starling language server is attached.
-- Set `vim.g.starling_no_keymaps = true` before this loads to keep only the command.
--
--   K            explain the diagnostic under the cursor (hover)
--   gra          quick fix (code action), also in visual mode
--   <leader>ca   quick fix (code action), also in visual mode
--   <leader>sr   open the documentation of the rule under the cursor
--   :StarlingRuleDoc [rule-id]   same, for the given rule id

if vim.g.loaded_starling then
  return
end
vim.g.loaded_starling = true

local RULE_DOC = 'https://github.com/starling-coach/starling/blob/main/docs/rules/%s.md'

--- The rule id (diagnostic code) of a starling diagnostic on the cursor's line, if any.
local function rule_at_cursor()
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local best
  for _, d in ipairs(vim.diagnostic.get(0, { lnum = row - 1 })) do
    if d.source == 'starling' and d.code then
      best = best or d
      if d.col <= col and col <= (d.end_col or d.col) then
        return tostring(d.code)
      end
    end
  end
  return best and tostring(best.code)
end

local function open_rule_doc(id)
  if not id:match('^[%w][%w%-]*$') then
    vim.notify('starling: not a rule id: ' .. id, vim.log.levels.ERROR)
    return
  end
  local url = RULE_DOC:format(id)
  if vim.ui.open then
    vim.ui.open(url)
  else
    vim.fn.jobstart({ vim.fn.has('mac') == 1 and 'open' or 'xdg-open', url }, { detach = true })
  end
end

vim.api.nvim_create_user_command('StarlingRuleDoc', function(opts)
  local id = opts.args ~= '' and opts.args or rule_at_cursor()
  if id then
    return open_rule_doc(id)
  end
  vim.ui.input({ prompt = 'starling rule id: ' }, function(input)
    if input and input ~= '' then
      open_rule_doc(input)
    end
  end)
end, { nargs = '?', desc = 'Open the documentation of a starling rule' })

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('starling_keymaps', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'starling' or vim.g.starling_no_keymaps then
      return
    end
    local function map(modes, lhs, rhs, desc)
      vim.keymap.set(modes, lhs, rhs, { buffer = args.buf, desc = 'starling: ' .. desc })
    end
    map('n', 'K', vim.lsp.buf.hover, 'explain the diagnostic under the cursor')
    map({ 'n', 'x' }, 'gra', vim.lsp.buf.code_action, 'quick fix')
    map({ 'n', 'x' }, '<leader>ca', vim.lsp.buf.code_action, 'quick fix')
    map('n', '<leader>sr', '<cmd>StarlingRuleDoc<cr>', 'open the rule documentation')
  end,
})
