go test fuzz v1
[]byte("a = \"b ${title(var.name)}\n")