go test fuzz v1
[]byte("a = foo.bar.4.baz\n")