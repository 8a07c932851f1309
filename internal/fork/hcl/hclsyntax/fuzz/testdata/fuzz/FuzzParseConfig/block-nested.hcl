go test fuzz v1
[]byte("block {\n  another_block {\n    foo = bar\n  }\n}\n")