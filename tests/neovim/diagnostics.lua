-- Run by tests/neovim.rs in a headless Neovim: load the shipped setup
-- (editors/neovim/derivcheck.lua, which starts `derivcheck lsp` for
-- `*.deriv` buffers; the test puts the built binary first on the PATH),
-- open the file, wait for diagnostics, write them one per line as
-- `lnum:col:end_lnum:end_col:severity:message` (0-based, columns in bytes)
-- and quit.
local root = os.getenv("DERIVCHECK_ROOT")
local file = os.getenv("DERIVCHECK_FILE")
local out = os.getenv("DERIVCHECK_OUT")

dofile(root .. "/editors/neovim/derivcheck.lua")
vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.wait(60000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local message = d.message:gsub("\n", " ")
  table.insert(lines, string.format("%d:%d:%d:%d:%d:%s", d.lnum, d.col, d.end_lnum, d.end_col, d.severity, message))
end
vim.fn.writefile(lines, out)
vim.cmd("qa!")
