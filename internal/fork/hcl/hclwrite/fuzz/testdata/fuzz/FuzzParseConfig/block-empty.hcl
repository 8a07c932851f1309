go test fuzz v1
[]byte("block {\n}\n")