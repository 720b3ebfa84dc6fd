-- :AurelisExplain on a range asks the configured provider (the tests' local server) and shows
-- the answer in a markdown float.
return function(T)
  T.setup({ settings = { ai = { providers = T.providers() } } })
  T.open("pkg/shapes.py")
  vim.cmd("6,10AurelisExplain")
  T.wait(function()
    for _, f in ipairs(T.floats()) do
      if f.text:find(vim.env.AURELIS_LLM_REPLY, 1, true) then
        T.out.float_text = f.text
        T.out.float_filetype = vim.bo[vim.api.nvim_win_get_buf(f.win)].filetype
        return true
      end
    end
  end, "a float with the explanation", 120000)
end
