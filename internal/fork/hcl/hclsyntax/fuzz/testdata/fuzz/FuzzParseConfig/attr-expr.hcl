go test fuzz v1
[]byte("foo = upper(bar + baz[1])\n")