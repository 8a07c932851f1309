// Package deepstack grows a goroutine's stack, once and early, ahead of
// deep recursion.
//
// A goroutine starts on a 2 KiB stack, and each call that does not fit
// doubles it: the runtime allocates the larger stack, copies the old one
// and walks every frame on it to adjust its pointers, reading each
// function's stack maps from the binary (pclntab pages: page faults, in a
// short process). A goroutine that recurses deeply, such as hcl's parser
// and the Terraform front end's evaluation, grows four or five times, and
// the last copies are the costly ones: by then the stack holds a hundred
// frames or more. Called at such a goroutine's start, when a few frames
// are on the stack, Grow64K or Grow32K grows it to that size at once: one
// copy of those few frames. The stack keeps that size until the goroutine
// exits; a deeper recursion still grows it as before.
//
// The growth is only a cost: nothing is written to the frame (assembly on
// amd64; elsewhere the functions do nothing), so the stack's pages are
// touched as the goroutine uses them, as they would have been.
package deepstack
