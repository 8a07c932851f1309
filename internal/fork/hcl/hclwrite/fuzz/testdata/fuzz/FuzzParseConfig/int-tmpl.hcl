go test fuzz v1
[]byte("a = \"foo ${42}\"\n")