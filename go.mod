module github.com/cfnrun/cfnrun

go 1.26.8

require github.com/google/go-cmp v0.7.0

require gopkg.in/yaml.v3 v3.0.1

require golang.org/x/tools v0.51.0
