-- starling: `:StarlingReport [folder]` writes the story bank report (`starling report`) and
-- opens it with the system's opener (vim.ui.open: xdg-open, open or start).
--
-- The folder defaults to the root of the attached starling client, else the current
-- directory. The page goes to `stdpath('cache')/starling/bank.html` unless
-- `vim.g.starling_report_path` names another file. `vim.g.starling_path` overrides the
-- `starling` executable.

if vim.g.loaded_starling_report then
  return
end
vim.g.loaded_starling_report = true

local function bank_folder()
  for _, client in ipairs(vim.lsp.get_clients({ name = 'starling' })) do
    if client.config.root_dir then
      return client.config.root_dir
    end
  end
  return vim.fn.getcwd()
end

vim.api.nvim_create_user_command('StarlingReport', function(opts)
  local folder = opts.args ~= '' and vim.fn.fnamemodify(opts.args, ':p') or bank_folder()
  local out = vim.g.starling_report_path or (vim.fn.stdpath('cache') .. '/starling/bank.html')
  vim.fn.mkdir(vim.fn.fnamemodify(out, ':h'), 'p')
  local cmd = { vim.g.starling_path or 'starling', 'report', folder, '-o', out }
  local ok, err = pcall(vim.system, cmd, { text = true }, vim.schedule_wrap(function(result)
    if result.code ~= 0 then
      vim.notify('starling report: ' .. vim.trim(result.stderr or ''), vim.log.levels.ERROR)
      return
    end
    vim.notify('starling: wrote ' .. out)
    if not vim.g.starling_report_no_open then
      vim.ui.open(out)
    end
  end))
  if not ok then
    vim.notify('starling report: cannot run ' .. cmd[1] .. ': ' .. tostring(err), vim.log.levels.ERROR)
  end
end, { nargs = '?', complete = 'dir', desc = 'Write the starling story bank report and open it' })
