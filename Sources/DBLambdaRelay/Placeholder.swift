// The relay arrives in the files beside this one.
