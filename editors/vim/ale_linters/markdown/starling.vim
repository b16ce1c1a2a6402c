" starling for ALE: the `starling lsp` language server as an ALE linter for Markdown.
" It coaches behavioral-interview stories: diagnostics with rule ids, quick fixes
" (:ALECodeAction) and hover explanations (:ALEHover). See editors/vim/README.md.
"
" ALE loads this file from any 'runtimepath' entry with ale_linters/markdown/ in it. The server
" starts only for story files, so your other Markdown stays quiet:
"   * files named *.story.md,
"   * Markdown files with a stories/ directory in their path,
"   * files whose YAML front matter has a prompt:, prompts: or theme: key, or starling: true,
"   * files matching one of the globs in g:ale_markdown_starling_include.
" The project root is the nearest directory with a starling.toml, else with .git, else the
" file's own directory.
"
" Options (global, or per buffer with b: instead of g:):
"   g:ale_markdown_starling_executable  the starling binary (default 'starling')
"   g:ale_markdown_starling_options     initializationOptions, e.g. {'theme': 'failure',
"                                       'rules': {'speaking-time': 'off'}}
"   g:ale_markdown_starling_config      settings sent with workspace/didChangeConfiguration,
"                                       e.g. {'starling': {'rules': {'we-not-i': 'error'}}}
"   g:ale_markdown_starling_include     more story files, as globs (e.g. ['prep/*.md']), also
"                                       sent to the server with its default story globs

call ale#Set('markdown_starling_executable', 'starling')
call ale#Set('markdown_starling_options', {})
call ale#Set('markdown_starling_config', {})
call ale#Set('markdown_starling_include', [])

" Front matter longer than this many lines is not looked at.
let s:front_matter_lines = 60

function! s:FrontMatterSaysStory(buffer) abort
    let l:lines = getbufline(a:buffer, 1, s:front_matter_lines)

    if empty(l:lines) || l:lines[0] !~# '^---\s*$'
        return 0
    endif

    for l:line in l:lines[1:]
        if l:line =~# '^\(---\|\.\.\.\)\s*$'
            return 0
        endif

        if l:line =~? '^\(prompts\=\|theme\)\s*:' || l:line =~? '^starling\s*:\s*true\s*$'
            return 1
        endif
    endfor

    return 0
endfunction

" g:ale_markdown_starling_include, each glob made to match anywhere unless it starts with / or
" **/ (as the VS Code and Neovim configs do).
function! s:Include(buffer) abort
    return map(copy(ale#Var(a:buffer, 'markdown_starling_include')),
    \   {_, glob -> glob =~# '^\(/\|\*\*/\)' ? glob : '**/' . glob})
endfunction

" initializationOptions: g:ale_markdown_starling_options, and the include globs with the
" server's default ones, since the server takes `include` as the whole list.
function! ale_linters#markdown#starling#GetOptions(buffer) abort
    let l:options = copy(ale#Var(a:buffer, 'markdown_starling_options'))
    let l:include = s:Include(a:buffer)

    if !empty(l:include)
        let l:options.include = ['**/*.story.md', '**/stories/**/*.md'] + l:include
    endif

    return l:options
endfunction

" Whether the buffer is a story file starling should lint.
function! ale_linters#markdown#starling#IsStory(buffer) abort
    let l:path = fnamemodify(bufname(a:buffer), ':p')

    if l:path =~# '\.story\.md$' || l:path =~# '/stories/.*\.md$'
        return 1
    endif

    for l:glob in s:Include(a:buffer)
        if l:path =~# glob2regpat(l:glob)
            return 1
        endif
    endfor

    return s:FrontMatterSaysStory(a:buffer)
endfunction

" The project root for a story; '' (the server does not start) for other Markdown.
function! ale_linters#markdown#starling#GetProjectRoot(buffer) abort
    if !ale_linters#markdown#starling#IsStory(a:buffer)
        return ''
    endif

    for l:marker in ['starling.toml', '.git']
        let l:found = ale#path#FindNearestFile(a:buffer, l:marker)

        if empty(l:found)
            let l:found = ale#path#FindNearestDirectory(a:buffer, l:marker)
        endif

        if !empty(l:found)
            return fnamemodify(l:found, ':h' . (l:found =~# '/$' ? ':h' : ''))
        endif
    endfor

    return fnamemodify(bufname(a:buffer), ':p:h')
endfunction

call ale#linter#Define('markdown', {
\   'name': 'starling',
\   'lsp': 'stdio',
\   'executable': {b -> ale#Var(b, 'markdown_starling_executable')},
\   'command': '%e lsp',
\   'project_root': function('ale_linters#markdown#starling#GetProjectRoot'),
\   'initialization_options': function('ale_linters#markdown#starling#GetOptions'),
\   'lsp_config': {b -> ale#Var(b, 'markdown_starling_config')},
\})
