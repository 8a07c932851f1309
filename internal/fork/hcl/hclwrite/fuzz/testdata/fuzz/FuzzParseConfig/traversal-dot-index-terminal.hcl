go test fuzz v1
[]byte("a = foo.bar.0\n")