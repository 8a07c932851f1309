#include "textflag.h"
#include "funcdata.h"

// Each growN has a frame of N MiB less 32 KiB and returns at once: the
// first call on a goroutine's small stack grows the stack to N MiB in one
// allocation from the heap (the copy moves only the few hundred bytes in
// use; the frame is never written), and the stack stays that size until
// the goroutine exits.

// func grow2M()
TEXT ·grow2M(SB), 0, $2064384-0
	NO_LOCAL_POINTERS
	RET

// func grow4M()
TEXT ·grow4M(SB), 0, $4161536-0
	NO_LOCAL_POINTERS
	RET

// func grow8M()
TEXT ·grow8M(SB), 0, $8355840-0
	NO_LOCAL_POINTERS
	RET

// func grow16M()
TEXT ·grow16M(SB), 0, $16744448-0
	NO_LOCAL_POINTERS
	RET

// func grow32M()
TEXT ·grow32M(SB), 0, $33521664-0
	NO_LOCAL_POINTERS
	RET

// func grow64M()
TEXT ·grow64M(SB), 0, $67076096-0
	NO_LOCAL_POINTERS
	RET

// func grow128M()
TEXT ·grow128M(SB), 0, $134184960-0
	NO_LOCAL_POINTERS
	RET

// func grow256M()
TEXT ·grow256M(SB), 0, $268402688-0
	NO_LOCAL_POINTERS
	RET
