go test fuzz v1
[]byte("/* multi\n   line\n   comment\n*/\n")