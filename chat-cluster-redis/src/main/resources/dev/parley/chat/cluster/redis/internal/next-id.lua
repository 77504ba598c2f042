-- A message id outside any room (after id.lua).
return {ms, n}
