-- Run by tests/neovim.rs in a headless Neovim: open the file, start
-- `derivcheck lsp` for it with the built-in client, wait for diagnostics,
-- write them one per line as `lnum:col:end_lnum:end_col:severity:message`
-- (0-based, columns in bytes) and quit.
local bin = os.getenv("DERIVCHECK_BIN")
local file = os.getenv("DERIVCHECK_FILE")
local out = os.getenv("DERIVCHECK_OUT")

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
-- `vim.lsp.start` is Neovim 0.8's; Debian's 0.7 has start_client.
local id = vim.lsp.start_client({
  name = "derivcheck",
  cmd = { bin, "lsp" },
  root_dir = vim.fn.getcwd(),
})
vim.lsp.buf_attach_client(buf, id)
vim.wait(60000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local message = d.message:gsub("\n", " ")
  table.insert(lines, string.format("%d:%d:%d:%d:%d:%s", d.lnum, d.col, d.end_lnum, d.end_col, d.severity, message))
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(id)
vim.cmd("qa!")
