go test fuzz v1
[]byte("a = 42\n")