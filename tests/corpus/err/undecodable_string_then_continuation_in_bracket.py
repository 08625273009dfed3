x = (
  'a'
  '\uf '\ufffe'
)
