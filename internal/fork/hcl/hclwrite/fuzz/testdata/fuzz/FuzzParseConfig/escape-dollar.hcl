go test fuzz v1
[]byte("a = \"hi $${var.foo}\"\n")