go test fuzz v1
[]byte("block {\n  foo = true\n}\n")