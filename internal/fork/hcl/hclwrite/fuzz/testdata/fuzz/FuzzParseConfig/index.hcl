go test fuzz v1
[]byte("a = foo[1]\n")