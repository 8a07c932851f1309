package resolver

import (
	"slices"
	"testing"
)

func TestPyTopImports(t *testing.T) {
	src := `"""import notthis"""
import json, os.path as p
import requests
from boto3.dynamodb.conditions import Key
from . import sibling
from .pkg import x
import a.b.c as abc, d
try:
    import ujson as json
except ImportError:
    pass
def f():
    import lazy
x = "from nothere import y"
# import commented
`
	got := pyTopImports(src)
	want := []string{"json", "os", "requests", "boto3", "a", "d"}
	if !slices.Equal(got, want) {
		t.Errorf("pyTopImports = %q, want %q", got, want)
	}
}
