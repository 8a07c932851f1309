package shortheap

// Implemented in grow_amd64.s.
func grow2M()
func grow4M()
func grow8M()
func grow16M()
func grow32M()
func grow64M()
func grow128M()
func grow256M()

// growStack[k] grows the calling goroutine's stack to 2<<k MiB.
var growStack = [...]func(){grow2M, grow4M, grow8M, grow16M, grow32M, grow64M, grow128M, grow256M}
