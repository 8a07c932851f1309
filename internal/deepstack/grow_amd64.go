package deepstack

// Grow32K grows the calling goroutine's stack to 32 KiB, unless it is that
// large already or more than 7 KiB of it is in use (then to 64 KiB).
func Grow32K()

// Grow64K grows the calling goroutine's stack to 64 KiB, unless it is that
// large already or more than 7 KiB of it is in use (then to 128 KiB).
func Grow64K()
