;;; starling.el --- starling's language server in Eglot, for story files only  -*- lexical-binding: t; -*-

;; starling coaches behavioral-interview stories written in Markdown:
;; diagnostics with rule ids, quick fixes and hover explanations, from
;; `starling lsp'.  Load this file from your init file:
;;
;;   (load "/path/to/starling/editors/emacs/starling.el")
;;
;; Needs Eglot: built into Emacs 29 and later; on Emacs 28 install it
;; from GNU ELPA (`M-x package-install RET eglot') or Debian's
;; `elpa-eglot'.  Needs `starling' on `exec-path' (or set
;; `starling-program').
;;
;; Story files open in `starling-story-mode' (derived from `markdown-mode'
;; when it is installed, else `text-mode'), and only those start the
;; server, so your other Markdown stays quiet.  A file is a story when:
;;   * its name ends in `.story.md',
;;   * it is a Markdown file with a `stories/' directory in its path,
;;   * its YAML front matter has a `prompt:', `prompts:' or `theme:' key,
;;     or `starling: true',
;;   * it matches one of the globs in `starling-include'.
;; The project root sent to the server is the nearest directory with a
;; `starling.toml', else Emacs's own project (the Git repository).

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'project)

(defgroup starling nil
  "Coaching for behavioral-interview stories written in Markdown."
  :group 'tools
  :prefix "starling-")

(defcustom starling-program '("starling" "lsp")
  "The command that starts starling's language server, program first."
  :type '(repeat string))

(defcustom starling-initialization-options nil
  "Settings sent to the server as `initializationOptions', as a plist.
Every key is optional, for example:
  (:theme \"failure\" :rules (:speaking-time \"off\"))
Takes effect when the server starts (\\[eglot-reconnect])."
  :type 'sexp)

(defcustom starling-include nil
  "More story files, as globs such as \"prep/*.md\".
A glob that does not start with `/' or `**/' matches anywhere, as if
it started with `**/'.  Files that match open in `starling-story-mode',
and the server is sent these globs with its default ones as `include'
when it starts (\\[eglot-reconnect])."
  :type '(repeat string))

(defconst starling--story-globs ["**/*.story.md" "**/stories/**/*.md"]
  "The server's default story globs, sent with `starling-include'.")

(defun starling--normalize (glob)
  "GLOB, made to match anywhere unless it starts with `/' or `**/'."
  (if (string-match-p "\\`\\(/\\|\\*\\*/\\)" glob) glob (concat "**/" glob)))

(defun starling--initialization-options (_server)
  "`starling-initialization-options', with `starling-include' as `:include'."
  (let ((options (copy-sequence starling-initialization-options)))
    (when starling-include
      (setq options (plist-put options :include
                               (vconcat starling--story-globs
                                        (mapcar #'starling--normalize starling-include)))))
    (or options (make-hash-table))))

(defconst starling--front-matter-lines 60
  "Front matter longer than this many lines is not looked at.")

(defun starling--front-matter-says-story-p ()
  "Whether the buffer's YAML front matter marks it as holding stories."
  (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (when (looking-at "---[ \t]*$")
        (let ((case-fold-search t) (found nil) (done nil))
          (forward-line 1)
          (while (and (not done) (not (eobp))
                      (< (line-number-at-pos) starling--front-matter-lines))
            (cond ((looking-at "\\(?:---\\|\\.\\.\\.\\)[ \t]*$") (setq done t))
                  ((looking-at "\\(?:prompts?\\|theme\\)[ \t]*:")
                   (setq found t done t))
                  ((looking-at "starling[ \t]*:[ \t]*true[ \t]*$")
                   (setq found t done t)))
            (forward-line 1))
          found)))))

(defun starling-story-file-p ()
  "Whether the current buffer holds a story file starling should lint."
  (let ((name (and buffer-file-name (expand-file-name buffer-file-name))))
    (and name
         (string-match-p "\\.md\\'" name)
         (or (string-match-p "\\.story\\.md\\'" name)
             (string-match-p "/stories/" name)
             (cl-some (lambda (glob)
                        (string-match-p (wildcard-to-regexp (starling--normalize glob)) name))
                      starling-include)
             (starling--front-matter-says-story-p)))))

(defalias 'starling--parent-mode
  (if (require 'markdown-mode nil t) 'markdown-mode 'text-mode))

;;;###autoload
(define-derived-mode starling-story-mode starling--parent-mode "Story"
  "Major mode for behavioral-interview stories, linted by starling.")

;; Before `auto-mode-alist', so stories win over a plain Markdown mode.
(add-to-list 'magic-mode-alist '(starling-story-file-p . starling-story-mode))

(defun starling--project (dir)
  "The directory of the nearest `starling.toml' above DIR, for story buffers."
  (when (derived-mode-p 'starling-story-mode)
    (let ((root (locate-dominating-file dir "starling.toml")))
      (and root (cons 'transient (expand-file-name root))))))

(add-hook 'project-find-functions #'starling--project)

(add-to-list 'eglot-server-programs
             `((starling-story-mode :language-id "markdown")
               . ,(lambda (&rest _)
                    (append starling-program
                            (list :initializationOptions
                                  #'starling--initialization-options)))))

(add-hook 'starling-story-mode-hook #'eglot-ensure)

(provide 'starling)
;;; starling.el ends here
