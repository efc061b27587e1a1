// The relay's unit tests arrive in the files beside this one.
