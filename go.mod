module github.com/cfnrun/cfnrun

go 1.26.8

require (
	github.com/fsnotify/fsnotify v1.10.1
	github.com/google/go-cmp v0.7.0
	golang.org/x/net v0.62.0
	gopkg.in/yaml.v3 v3.0.1
)

require golang.org/x/tools v0.51.0

require (
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
