-- derivcheck in Neovim: diagnostics, hover (vim.lsp.buf.hover), quick fixes
-- (vim.lsp.buf.code_action) and, on Neovim 0.10 and later, inlay hints
-- (✓ proved, ≈ holds, ✗ false) from `derivcheck lsp`.
--
-- Put this file in ~/.config/nvim/plugin/ (or `dofile` it from init.lua).
-- Derivation files are `*.deriv`; Markdown and LaTeX buffers are checked
-- too when `derivcheck_documents` is set (`vim.g.derivcheck_documents = true`).

vim.cmd([[autocmd BufRead,BufNewFile *.deriv setfiletype derivcheck]])

local function start()
  local config = {
    name = "derivcheck",
    cmd = { "derivcheck", "lsp" },
    root_dir = vim.fn.getcwd(),
  }
  if vim.lsp.start then
    -- Neovim 0.8 and later: one server per root, reused across buffers.
    vim.lsp.start(config)
  else
    -- Neovim 0.7 (Debian 12's).
    local id = vim.lsp.start_client(config)
    if id then
      vim.lsp.buf_attach_client(0, id)
    end
  end
  if vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable then
    pcall(vim.lsp.inlay_hint.enable, true, { bufnr = 0 })
  end
end

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "derivcheck", "markdown", "tex" },
  callback = function(args)
    if args.match == "derivcheck" or vim.g.derivcheck_documents then
      start()
    end
  end,
})
