; The Markdown blocks that can open, label or hold a story part.
; Captures are read in document order by src/story/blocks.rs.

; Titles and heading labels: `## Situation`, or setext `Situation` underlined.
(atx_heading
  heading_content: (_) @heading.content) @heading.atx
(setext_heading
  heading_content: (paragraph) @heading.content) @heading.setext

; Bold and line labels sit at the start of a line of a paragraph:
; `**Situation:** ...`, `Situation: ...`.
(paragraph) @paragraph

; List labels: `- Situation` with nested or sibling items, `- **S (Situation):** ...`.
(list_item) @list_item

; Front matter for the whole file.
(minus_metadata) @front_matter

; Code and raw HTML are never prose.
(fenced_code_block) @code
(indented_code_block) @code
(html_block) @html
