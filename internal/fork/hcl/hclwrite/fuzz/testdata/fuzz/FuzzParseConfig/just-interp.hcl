go test fuzz v1
[]byte("a = \"${var.bar}\"\n")