" Vim + ALE end-to-end test of starling's shipped ALE linter (editors/vim), run by run.sh in a
" detached tmux terminal as:  vim -N -u tests/editors/vim/test.vim -i NONE -n
" It runs the vimrc block of editors/vim/README.md as it is (with the path of this checkout),
" so ALE and editors/vim/ale_linters/markdown/starling.vim load as a user's would, then drives
" Vim as a user: open a story, :ALEHover, :ALECodeAction (answering its menu), open other
" Markdown files, :ALEStopAllLSPs. The checks run as a list of steps driven by a timer, so Vim
" goes back to its main loop between them (ALE lints on its autocommands and timers).
"
" Environment (run.sh sets it from expect.env): REPO, E2E_DIR, E2E_FILE, E2E_CODE, E2E_ACTION,
" E2E_EXPECT_TEXT, E2E_EXPECT_HOVER, E2E_TIMEOUT_MS, and E2E_LOG, the file the results go
" to. Exits 0 when every check passed, 1 otherwise.

let s:t0 = reltime()
let s:dir = $E2E_DIR
let s:fixtures = s:dir . '/fixtures'
let s:file = fnamemodify(s:dir . '/' . ($E2E_FILE ==# '' ? 'fixtures/stories/weak.md' : $E2E_FILE), ':p')
if $E2E_FILE =~# '^/'
  let s:file = $E2E_FILE
endif
let s:code = $E2E_CODE ==# '' ? 'missing-learning' : $E2E_CODE
let s:action = $E2E_ACTION ==# '' ? 'Insert a Learning part' : $E2E_ACTION
let s:expect_text = $E2E_EXPECT_TEXT ==# '' ? '## Learning' : $E2E_EXPECT_TEXT
let s:expect_hover = $E2E_EXPECT_HOVER ==# '' ? s:code : $E2E_EXPECT_HOVER
let s:timeout = ($E2E_TIMEOUT_MS ==# '' ? 20000 : str2nr($E2E_TIMEOUT_MS)) / 1000.0
let s:log_file = $E2E_LOG ==# '' ? tempname() : $E2E_LOG
let s:passed = 0
let s:failed = 0

function! s:Log(msg) abort
  call writefile([printf('[%6.0f ms] %s', reltimefloat(reltime(s:t0)) * 1000, a:msg)], s:log_file, 'a')
endfunction

function! s:Check(ok, what, ...) abort
  if a:ok
    let s:passed += 1
    call s:Log('PASS ' . a:what)
  else
    let s:failed += 1
    call s:Log('FAIL ' . a:what . (a:0 ? ': ' . string(a:1) : ''))
  endif
  return a:ok
endfunction

" What a user does: the README's vimrc block, with this checkout's path.
let s:readme = join(readfile($REPO . '/editors/vim/README.md'), "\n")
let s:block = matchstr(s:readme, '<!-- tested:[^\n]*-->\n```vim\n\zs.\{-}\ze\n```')
if empty(s:block)
  call s:Check(0, 'editors/vim/README.md has a "<!-- tested: -->" vim block')
  call s:Log('0 passed, 1 failed')
  cquit! 1
endif
let s:vimrc = tempname()
call writefile(split(substitute(s:block, '/path/to/starling', $REPO, 'g'), "\n"), s:vimrc)
execute 'source ' . fnameescape(s:vimrc)
set hidden          " the story stays modified (never written) while other files are opened

" --- What the user sees

function! s:Diags(buf) abort
  return filter(copy(ale#engine#GetLoclist(a:buf)), 'get(v:val, "linter_name", "") is# "starling"')
endfunction

function! s:WithCode(buf, code) abort
  for l:d in s:Diags(a:buf)
    if get(l:d, 'code', '') is# a:code
      return l:d
    endif
  endfor
  return {}
endfunction

" The ALE connection of the starling server, {} if none.
function! s:Connection() abort
  for l:conn in values(ale#lsp#GetConnections())
    if get(l:conn, 'initialized', 0) && get(l:conn, 'job_id', 0) > 0
      return l:conn
    endif
  endfor
  return {}
endfunction

" Whether ALE has an LSP connection for buf's file.
function! s:Attached(buf) abort
  let l:conn = s:Connection()
  return !empty(l:conn) && has_key(get(l:conn, 'open_documents', {}), a:buf)
endfunction

function! s:Open(path) abort
  execute 'edit ' . fnameescape(a:path)
  return bufnr('')
endfunction

function! s:BufText(buf) abort
  return join(getbufline(a:buf, 1, '$'), "\n")
endfunction

" The lines of ALE's preview window (:ALEHover shows a long hover there), '' if none.
function! s:Preview() abort
  for l:win in range(1, winnr('$'))
    if getwinvar(l:win, '&previewwindow')
      return join(getbufline(winbufnr(l:win), 1, '$'), "\n")
    endif
  endfor
  return ''
endfunction

" :ALECodeAction asks with input() for the number of a fix: answer with the one titled ACTION.
let s:offered = []
function! s:Answer(message, value, ...) abort
  let s:offered = map(filter(split(a:message, "\n"), 'v:val =~# "^\\d\\+) "'), 'substitute(v:val, "^\\d\\+) ", "", "")')
  let l:i = index(map(copy(s:offered), 'stridx(v:val, s:action) >= 0'), 1)
  return l:i < 0 ? '' : string(l:i + 1)
endfunction

" --- The steps

let s:buf = -1
let s:target = {}
let s:before = ''
let s:job = v:null
let s:story_md = -1
let s:draft = -1

function! s:Start() abort
  call s:Log(printf('%s, starling=%s', split(execute('version'), "\n")[0], exepath('starling')))
  call s:Check(exists('g:loaded_ale') || exists('g:ale_enabled'), 'ALE loaded by the README block')
  let s:buf = s:Open(s:file)
  call s:Check(&filetype is# 'markdown', 'filetype is markdown', &filetype)
  call s:Check(index(map(ale#linter#Get('markdown'), 'v:val.name'), 'starling') >= 0,
        \ 'ALE knows the starling linter (ale_linters/markdown/starling.vim)')
endfunction

function! s:Connected() abort
  let l:conn = s:Connection()
  call s:Log('  server: ' . string(get(get(l:conn, 'capabilities', {}), 'hover', '?')) . ' hover, root: ' . get(l:conn, 'root', ''))
  call s:Check(get(l:conn, 'root', '') is# s:fixtures, 'root is the directory with starling.toml', get(l:conn, 'root', ''))
  let l:pid = get(l:conn, 'job_id', 0)
  for l:job in job_info()
    if job_info(l:job).process == l:pid
      let s:job = l:job
    endif
  endfor
  call s:Check(s:job isnot v:null && join(job_info(s:job).cmd) =~# 'starling.* lsp', 'ALE started `starling lsp`',
        \ s:job is v:null ? l:pid : job_info(s:job).cmd)
endfunction

function! s:Hover() abort
  for l:d in s:Diags(s:buf)
    call s:Log(printf('  diag %d:%d [%s %s] %s', l:d.lnum, l:d.col, l:d.linter_name, get(l:d, 'code', '?'), l:d.text))
  endfor
  let s:target = s:WithCode(s:buf, s:code)
  call cursor(s:target.lnum, s:target.col)
  ALEHover
endfunction

function! s:CodeAction() abort
  call s:Log('  hover: ' . strpart(substitute(s:Preview(), "\n", ' | ', 'g'), 0, 400))
  pclose
  execute bufwinnr(s:buf) . 'wincmd w'
  call cursor(s:target.lnum, s:target.col)
  let s:before = s:BufText(s:buf)
  runtime autoload/ale/util.vim      " load ALE's own, then answer its prompt ourselves
  function! ale#util#Input(message, value, ...) abort
    return call('s:Answer', [a:message, a:value] + a:000)
  endfunction
  ALECodeAction
endfunction

function! s:Fixed() abort
  " ALE applies the edit without telling the server; it lints again on TextChanged, which Vim
  " triggers when it next reads a key. The user goes on with a harmless key (CTRL-L: redraw).
  call feedkeys("\<C-L>", 'n')
  call s:Log('  offered: ' . join(s:offered, ' | '))
  call s:Check(index(map(copy(s:offered), 'stridx(v:val, s:action) >= 0'), 1) >= 0,
        \ ':ALECodeAction offered "' . s:action . '"', s:offered)
  if s:Check(s:BufText(s:buf) isnot# s:before, 'the quick fix changed the buffer')
    call s:Check(stridx(s:BufText(s:buf), s:expect_text) >= 0, 'buffer contains ' . s:expect_text, s:BufText(s:buf))
  endif
endfunction

function! s:OtherFiles() abort
  let l:notes = s:Open(s:fixtures . '/notes.md')
  sleep 500m
  call s:Check(!s:Attached(l:notes), 'ALE does not start starling for notes.md (plain Markdown)')
  let s:story_md = s:Open(s:fixtures . '/late-nights.story.md')
endfunction

" Settings changed while the server runs: ALE sends them with workspace/didChangeConfiguration
" when it next lints.
function! s:Configure(config) abort
  let b:ale_markdown_starling_config = a:config
  ALELint
endfunction

function! s:FrontMatter() abort
  let l:prep = s:Open(s:fixtures . '/prep/failure.md')
  let l:draft = s:Open(s:fixtures . '/drafts/late.md')
  sleep 500m
  call s:Check(s:Attached(l:prep), 'ALE lints a file with theme: in its front matter')
  call s:Check(!s:Attached(l:draft), 'ALE does not start starling for drafts/late.md (no front matter, not a story path)')
  call s:Check(len(ale#lsp#GetConnections()) == 1, 'one server for the project', keys(ale#lsp#GetConnections()))
  let s:draft = l:draft
  ALEStopAllLSPs
endfunction

" More story files: g:ale_markdown_starling_include, sent when ALE starts the server again.
function! s:Include() abort
  let g:ale_markdown_starling_include = ['drafts/*.md']
  execute 'buffer ' . s:draft
  ALELint
endfunction

" ALE stops a server by closing its input and sending SIGTERM, then SIGKILL 100 ms later if it
" still runs; it never sends `shutdown` and `exit`, so a status 0 is not to be had here.
function! s:Stopped() abort
  let l:info = job_info(s:job)
  call s:Log(printf('  server: status %s, exitval %d, termsig %s', l:info.status, l:info.exitval, string(get(l:info, 'termsig', ''))))
  call s:Check(index(['', 'term'], get(l:info, 'termsig', '')) >= 0,
        \ 'it ended on ALE''s SIGTERM or by itself, not killed by the SIGKILL that follows', l:info)
  call system('kill -0 ' . l:info.process)
  call s:Check(v:shell_error != 0, 'no server process is left', l:info.process)
endfunction

let s:steps = [
\ {'do': function('s:Start')},
\ {'check': 'ALE started starling for the story', 'until': {-> !empty(s:Connection())}, 'fatal': 1},
\ {'do': function('s:Connected')},
\ {'check': 'ALE shows a diagnostic with code ' . s:code, 'fatal': 1,
\  'until': {-> !empty(s:WithCode(s:buf, s:code))}, 'detail': {-> s:Diags(s:buf)}},
\ {'do': function('s:Hover')},
\ {'check': ':ALEHover on the diagnostic shows ' . s:expect_hover,
\  'until': {-> stridx(s:Preview(), s:expect_hover) >= 0}, 'detail': {-> s:Preview()}},
\ {'do': function('s:CodeAction')},
\ {'check': 'the quick fix was applied', 'until': {-> s:BufText(s:buf) isnot# s:before}},
\ {'do': function('s:Fixed')},
\ {'check': 'no ' . s:code . ' diagnostic after the fix (the story''s others remain)',
\  'until': {-> empty(s:WithCode(s:buf, s:code)) && !empty(s:Diags(s:buf))}, 'detail': {-> s:Diags(s:buf)}},
\ {'do': function('s:OtherFiles')},
\ {'check': 'ALE lints *.story.md (diagnostics for late-nights.story.md)', 'until': {-> !empty(s:WithCode(s:story_md, s:code))}},
\ {'do': {-> s:Configure({'starling': {'rules': {s:code : 'off'}}})}},
\ {'check': 'rules {' . s:code . ': off} in b:ale_markdown_starling_config silences it',
\  'until': {-> empty(s:WithCode(s:story_md, s:code))}},
\ {'do': {-> s:Configure({'starling': {'rules': v:null}})}},
\ {'check': 'rules null brings it back', 'until': {-> !empty(s:WithCode(s:story_md, s:code))}},
\ {'do': function('s:FrontMatter')},
\ {'check': ':ALEStopAllLSPs ended the server process', 'fatal': 1,
\  'until': {-> job_status(s:job) isnot# 'run'}, 'detail': {-> job_info(s:job)}},
\ {'do': function('s:Stopped')},
\ {'do': function('s:Include')},
\ {'check': 'ALE lints drafts/late.md once g:ale_markdown_starling_include names drafts/*.md',
\  'until': {-> !empty(s:Diags(s:draft))}},
\ {'do': {-> execute('ALEStopAllLSPs')}},
\ ]

" --- The driver

let s:deadline = 0
let s:timer = -1

function! s:Finish() abort
  call timer_stop(s:timer)
  call s:Log(printf('%d passed, %d failed', s:passed, s:failed))
  if s:failed == 0 && s:passed > 0
    qall!
  endif
  cquit! 1
endfunction

function! s:Tick(timer) abort
  try
    if empty(s:steps)
      return s:Finish()
    endif
    let l:step = s:steps[0]
    if has_key(l:step, 'do')
      call remove(s:steps, 0)
      call l:step.do()
      return
    endif
    if s:deadline == 0
      let s:deadline = reltimefloat(reltime()) + s:timeout
    endif
    let l:ok = l:step.until()
    if l:ok || reltimefloat(reltime()) > s:deadline
      call remove(s:steps, 0)
      let s:deadline = 0
      let l:detail = has_key(l:step, 'detail') ? [l:step.detail()] : []
      if !call('s:Check', [l:ok, l:step.check] + (l:ok ? [] : l:detail)) && get(l:step, 'fatal', 0)
        let s:steps = []
      endif
    endif
  catch
    call s:Check(0, 'no Vim script error', v:exception . ' at ' . v:throwpoint)
    let s:steps = []
  endtry
endfunction

call writefile([], s:log_file)
call timer_start(float2nr(8 * s:timeout * 1000), {-> [s:Check(0, 'global timeout'), s:Finish()]})
autocmd VimEnter * let s:timer = timer_start(50, function('s:Tick'), {'repeat': -1})
