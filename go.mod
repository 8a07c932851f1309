module github.com/cfnrun/cfnrun

go 1.26.8

require github.com/google/go-cmp v0.7.0

require gopkg.in/yaml.v3 v3.0.1

require github.com/awslabs/goformation/v7 v7.14.9
