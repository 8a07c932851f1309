#include "textflag.h"
#include "funcdata.h"

// Each GrowN has a frame of N KiB less 8 KiB and returns at once: called
// with less than 7 KiB of the stack in use, the first call grows the stack
// to N KiB (the runtime doubles it until the frame fits, then copies it
// once; see runtime.newstack). The frame is never written.

// func Grow32K()
TEXT ·Grow32K(SB), 0, $24576-0
	NO_LOCAL_POINTERS
	RET

// func Grow64K()
TEXT ·Grow64K(SB), 0, $57344-0
	NO_LOCAL_POINTERS
	RET
