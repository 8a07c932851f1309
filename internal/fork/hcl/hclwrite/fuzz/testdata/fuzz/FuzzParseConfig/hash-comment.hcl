go test fuzz v1
[]byte("# another comment\n")