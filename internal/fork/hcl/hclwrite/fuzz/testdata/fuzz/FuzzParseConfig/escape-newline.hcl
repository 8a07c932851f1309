go test fuzz v1
[]byte("a = \"bar\\nbaz\"\n")