module github.com/apparentlymart/go-textseg/v15

go 1.16
