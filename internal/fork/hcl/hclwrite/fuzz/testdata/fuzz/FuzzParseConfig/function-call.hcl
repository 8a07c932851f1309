go test fuzz v1
[]byte("a = title(var.name)\n")