go test fuzz v1
[]byte("foo = \"föo ${föo(\"föo\")}\"\n")