;;; test.el --- Emacs + Eglot end-to-end test of editors/emacs/starling.el  -*- lexical-binding: t; -*-

;; run.sh starts, in a detached tmux terminal:
;;   emacs -nw -q --no-splash -l editors/emacs/starling.el -l tests/editors/emacs/test.el
;; so the shipped file is loaded as a user's init file would, and Eglot, Flymake and ElDoc run
;; in a real terminal frame with their idle timers.  The checks run as a list of steps driven
;; by a timer, so Emacs goes back to its command loop (and idle) between them.
;;
;; Environment (run.sh sets it from expect.env): REPO, E2E_DIR, E2E_FILE, E2E_CODE,
;; E2E_SOURCE, E2E_ACTION, E2E_EXPECT_TEXT, E2E_EXPECT_HOVER, E2E_TIMEOUT_MS, E2E_LOG (the
;; file the results go to) and E2E_DUMP (how many characters of Eglot's logs a failure shows,
;; default 3000).  Exits 0 when every check passed, 1 otherwise.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'flymake)
(require 'eldoc)

(defun st--env (name &optional default)
  (let ((v (getenv name)))
    (if (or (null v) (string-empty-p v)) default v)))

(defconst st--dir (file-name-as-directory (st--env "E2E_DIR")))
(defconst st--fixtures (file-name-as-directory (expand-file-name "fixtures" st--dir)))
(defconst st--file (expand-file-name (st--env "E2E_FILE" "fixtures/stories/weak.md") st--dir))
(defconst st--code (st--env "E2E_CODE" "missing-learning"))
(defconst st--source (st--env "E2E_SOURCE"))
(defconst st--action (st--env "E2E_ACTION" "Insert a Learning part"))
(defconst st--expect-text (st--env "E2E_EXPECT_TEXT" "## Learning"))
(defconst st--expect-hover (st--env "E2E_EXPECT_HOVER" st--code))
(defconst st--timeout (/ (string-to-number (st--env "E2E_TIMEOUT_MS" "20000")) 1000.0))
(defconst st--log-file (st--env "E2E_LOG" (expand-file-name "emacs-test.log" temporary-file-directory)))

(defvar st--t0 (float-time))

;; The fixtures are edited, never saved: no lock, auto-save or backup files beside them.
(setq create-lockfiles nil auto-save-default nil make-backup-files nil)
(defvar st--passed 0)
(defvar st--failed 0)

(defun st--log (fmt &rest args)
  (let ((line (format "[%6.0f ms] %s\n" (* 1000 (- (float-time) st--t0)) (apply #'format fmt args))))
    (write-region line nil st--log-file 'append 'silent)))

(defun st--check (ok what &optional detail)
  (if ok
      (progn (cl-incf st--passed) (st--log "PASS %s" what))
    (cl-incf st--failed)
    (st--log "FAIL %s%s" what (if detail (format ": %s" detail) "")))
  ok)

;;; What the user sees

(defun st--diags (&optional buf)
  "The Flymake diagnostics of BUF as (CODE SOURCE BEG END TEXT)."
  (with-current-buffer (or buf (current-buffer))
    (mapcar (lambda (d)
              (let ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
                (list (and (plist-get lsp :code) (format "%s" (plist-get lsp :code)))
                      (plist-get lsp :source)
                      (flymake-diagnostic-beg d) (flymake-diagnostic-end d)
                      (flymake-diagnostic-text d))))
            (flymake-diagnostics))))

(defun st--with-code (code &optional buf)
  (cl-find code (st--diags buf) :key #'car :test #'equal))

(defun st--managed-p (buf)
  "Whether Eglot manages BUF with a live starling server."
  (with-current-buffer buf
    (and (bound-and-true-p eglot--managed-mode) (eglot-current-server) t)))

(defun st--open (path)
  "Visit PATH the way C-x C-f does, then end the command (Eglot connects after it)."
  (find-file path)
  (run-hooks 'post-command-hook)
  (current-buffer))

(defun st--rel (path) (file-relative-name path st--dir))

;;; The steps

(defvar st--buf nil)
(defvar st--server nil)
(defvar st--target nil)
(defvar st--hover nil)
(defvar st--offered nil)
(defvar st--before nil)
(defvar st--shutdown-error 'not-run)
(defvar st--story-md nil)
(defvar st--draft nil)

(defun st--capture-hover (docs _interactive)
  "An `eldoc-display-functions' entry: keep what ElDoc would show."
  (setq st--hover (mapconcat (lambda (d) (format "%s" (car d))) docs "\n")))

(defun st--code-actions ()
  "M-x eglot-code-actions at point, picking the ACTION title from the menu."
  (cl-letf* ((last-nonmenu-event ?\r)     ; a keyboard command: the menu is a completing-read
             ((symbol-function 'completing-read)
              (lambda (_prompt collection &rest _)
                (setq st--offered (mapcar #'car collection))
                (or (cl-find-if (lambda (title) (string-search st--action title)) st--offered)
                    (signal 'quit nil)))))
    (call-interactively #'eglot-code-actions)))

(defun st--let-server-exit (conn &rest _)
  "Wait until CONN's process exits, at most `st--timeout' seconds."
  (let ((proc (jsonrpc--process conn)) (deadline (+ (float-time) st--timeout)))
    (while (and (process-live-p proc) (< (float-time) deadline))
      (accept-process-output proc 0.05))))

(defun st--configure (settings)
  "Set SETTINGS in the story's buffer and tell the server, as M-x would."
  (with-current-buffer st--story-md
    (setq-local eglot-workspace-configuration settings)
    (call-interactively #'eglot-signal-didChangeConfiguration)))

(defconst st--steps
  `((:do ,(lambda ()
            (st--log "%s, eglot %s, starling=%s" (emacs-version)
                     (locate-library "eglot")
                     (executable-find "starling"))
            (setq st--buf (st--open st--file))
            (st--check (eq major-mode 'starling-story-mode) "the story opens in starling-story-mode"
                       major-mode)))
    (:check ,(format "Eglot connected starling to %s" (st--rel st--file))
            :until ,(lambda () (st--managed-p st--buf)) :fatal t)
    (:do ,(lambda ()
            (setq st--server (with-current-buffer st--buf (eglot-current-server)))
            (st--log "  server: %s, command: %s" (plist-get (eglot--server-info st--server) :name)
                     (process-command (jsonrpc--process st--server)))
            (let ((root (project-root (eglot--project st--server))))
              (st--check (equal (file-name-as-directory (expand-file-name root)) st--fixtures)
                         "root is the directory with starling.toml" root))))
    (:check ,(format "Flymake shows a diagnostic with code %s" st--code)
            :until ,(lambda () (st--with-code st--code st--buf)) :fatal t
            :detail ,(lambda () (st--diags st--buf)))
    (:do ,(lambda ()
            (dolist (d (st--diags st--buf))
              (st--log "  diag %d-%d [%s %s] %s" (nth 2 d) (nth 3 d) (nth 1 d) (nth 0 d) (nth 4 d)))
            (setq st--target (st--with-code st--code st--buf))
            (when st--source
              (st--check (equal (nth 1 st--target) st--source) (format "its source is %s" st--source)
                         (nth 1 st--target)))
            ;; Hover: ElDoc at the diagnostic, as M-x eldoc does.
            (goto-char (nth 2 st--target))
            (add-hook 'eldoc-display-functions #'st--capture-hover)
            (call-interactively #'eldoc-print-current-symbol-info)))
    (:check ,(format "ElDoc's hover at the diagnostic contains %s" st--expect-hover)
            :until ,(lambda () (and st--hover (string-search st--expect-hover st--hover)))
            :detail ,(lambda () st--hover))
    (:do ,(lambda ()
            (st--log "  hover: %s" (replace-regexp-in-string "\n" " | " (truncate-string-to-width (or st--hover "") 400)))
            ;; Quick fix: M-x eglot-code-actions at the diagnostic.
            (goto-char (nth 2 st--target))
            (setq st--before (buffer-string))
            (condition-case err (st--code-actions)
              (error (st--log "  eglot-code-actions: %s" (error-message-string err))))
            (st--log "  offered: %s" (string-join st--offered " | "))
            (st--check (cl-some (lambda (title) (string-search st--action title)) st--offered)
                       (format "eglot-code-actions offered \"%s\"" st--action) st--offered)
            (when (st--check (not (equal (buffer-string) st--before)) "the quick fix changed the buffer")
              (st--check (string-search st--expect-text (buffer-string))
                         (format "buffer contains %s" st--expect-text) (buffer-string)))))
    (:check ,(format "no %s diagnostic after the fix (the story's others remain)" st--code)
            :until ,(lambda () (and (null (st--with-code st--code st--buf)) (st--diags st--buf)))
            :detail ,(lambda () (st--diags st--buf)))
    ;; Which files start the server: only stories.
    (:do ,(lambda ()
            (let ((notes (st--open (expand-file-name "notes.md" st--fixtures))))
              (st--check (not (eq major-mode 'starling-story-mode)) "notes.md (plain Markdown) is not a story"
                         major-mode)
              (st--check (not (st--managed-p notes)) "Eglot does not manage notes.md"))
            (setq st--story-md (st--open (expand-file-name "late-nights.story.md" st--fixtures)))))
    (:check "Eglot manages *.story.md" :until ,(lambda () (st--managed-p st--story-md)))
    (:check "the server lints it (diagnostics for late-nights.story.md)"
            :until ,(lambda () (st--with-code st--code st--story-md)))
    ;; Settings changed while the server runs: eglot-workspace-configuration (as a
    ;; .dir-locals.el would set it), then M-x eglot-signal-didChangeConfiguration.
    (:do ,(lambda () (st--configure `(:starling (:rules (,(intern (concat ":" st--code)) "off"))))))
    (:check ,(format "rules (:%s \"off\") sent with eglot-signal-didChangeConfiguration silences it" st--code)
            :until ,(lambda () (null (st--with-code st--code st--story-md))))
    (:do ,(lambda () (st--configure '(:starling (:rules nil)))))
    (:check "rules nil brings it back" :until ,(lambda () (st--with-code st--code st--story-md)))
    (:do ,(lambda ()
            (st--check (st--managed-p (st--open (expand-file-name "prep/failure.md" st--fixtures)))
                       "Eglot manages a file with theme: in its front matter")
            (let ((draft (st--open (expand-file-name "drafts/late.md" st--fixtures))))
              (st--check (not (st--managed-p draft))
                         "Eglot does not manage drafts/late.md (no front matter, not a story path)")
              (kill-buffer draft))
            (st--check (= 1 (length (gethash (eglot--project st--server) eglot--servers-by-project)))
                       "one server for the project")
            ;; More story files: starling-include, then M-x eglot-reconnect to send it.
            (setq starling-include '("drafts/*.md"))
            (setq st--draft (st--open (expand-file-name "drafts/late.md" st--fixtures)))
            (st--check (eq major-mode 'starling-story-mode)
                       "drafts/late.md opens in starling-story-mode once starling-include names drafts/*.md"
                       major-mode)
            (call-interactively #'eglot-reconnect)))
    (:check "the server lints it after M-x eglot-reconnect"
            :until ,(lambda () (and (st--managed-p st--draft) (st--diags st--draft))))
    (:do ,(lambda ()
            (setq st--server (with-current-buffer st--draft (eglot-current-server)))
            ;; Shutdown: M-x eglot-shutdown (C-u: keep its log buffers for a failure report).
            ;; Eglot sends `shutdown', then `exit', then at once deletes the process
            ;; (jsonrpc-shutdown), which kills a server that has not exited yet: a race that
            ;; the server loses in microseconds.  So that the status tells how the server
            ;; ends on its own, the process gets up to E2E_TIMEOUT_MS to exit first.
            (let ((proc (jsonrpc--process st--server)))
              (advice-add 'jsonrpc-shutdown :before #'st--let-server-exit)
              (setq st--shutdown-error
                    (condition-case err (progn (eglot-shutdown st--server nil nil t) nil)
                      (error err)))
              (advice-remove 'jsonrpc-shutdown #'st--let-server-exit)
              (st--check (null st--shutdown-error) "eglot-shutdown: the server answered shutdown"
                         st--shutdown-error)
              (setq st--server proc))))
    (:check "the server process ended" :until ,(lambda () (not (process-live-p st--server))))
    (:do ,(lambda ()
            (st--check (and (eq (process-status st--server) 'exit)
                            (eql (process-exit-status st--server) 0))
                       "it exited with status 0 (not killed)"
                       (format "%s %s" (process-status st--server) (process-exit-status st--server)))))))

;;; The driver

(defvar st--queue st--steps)
(defvar st--deadline nil)
(defvar st--timer nil)

(defun st--dump-events ()
  (dolist (b (buffer-list))
    (when (string-match-p "EGLOT.*\\(events\\|stderr\\)" (buffer-name b))
      (st--log "--- %s (last 3000 characters)" (buffer-name b))
      (with-current-buffer b
        (st--log "%s" (buffer-substring-no-properties (max (point-min) (- (point-max) (string-to-number (or (getenv "E2E_DUMP") "3000")))) (point-max)))))))

(defun st--finish ()
  (when st--timer (cancel-timer st--timer))
  (when (> st--failed 0) (st--dump-events))
  (st--log "%d passed, %d failed" st--passed st--failed)
  (kill-emacs (if (and (= st--failed 0) (> st--passed 0)) 0 1)))

(defun st--tick ()
  (condition-case err
      (let ((step (car st--queue)))
        (cond
         ((null step) (st--finish))
         ((plist-get step :do)
          (pop st--queue)
          (when st--buf (set-buffer st--buf))
          (funcall (plist-get step :do)))
         (t
          (unless st--deadline (setq st--deadline (+ (float-time) st--timeout)))
          (let ((ok (with-current-buffer (or st--buf (current-buffer))
                      (funcall (plist-get step :until)))))
            (when (or ok (> (float-time) st--deadline))
              (pop st--queue)
              (setq st--deadline nil)
              (unless (st--check ok (plist-get step :check)
                                 (and (plist-get step :detail) (funcall (plist-get step :detail))))
                (when (plist-get step :fatal) (setq st--queue nil))))))))
    (error (st--check nil "no Lisp error" (error-message-string err))
           (setq st--queue nil))))

(write-region "" nil st--log-file nil 'silent)
(run-with-timer (* 8 st--timeout) nil
                (lambda () (st--check nil "global timeout") (st--finish)))
(add-hook 'emacs-startup-hook
          (lambda () (setq st--timer (run-with-timer 0.2 0.05 #'st--tick))))

;;; test.el ends here
