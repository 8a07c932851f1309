go test fuzz v1
[]byte("a = foo.bar[1].baz[\"foo\"].pizza\n")