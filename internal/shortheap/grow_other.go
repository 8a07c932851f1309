//go:build !amd64

package shortheap

// growStack is empty where there is no assembly to grow a stack with:
// Prepare then maps the heap with a block and a collection.
var growStack [0]func()
