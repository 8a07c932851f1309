package lambda

import "slices"

// waitQueue is a function's queue of waiting invocations, oldest first: a
// slice and the index of its head, so that taking the oldest moves none of
// the others (slices.Delete(q, 0, 1) copied the whole queue behind it, with
// a write barrier per pointer while the GC marks; under a steady load most
// invocations queue behind a hundred others). The space before the head is
// reused when the slice is full. Not safe for concurrent use (fn.mu).
type waitQueue struct {
	ws   []*waiter
	head int
}

func (q *waitQueue) len() int { return len(q.ws) - q.head }

// front is the oldest waiter; the queue must not be empty.
func (q *waitQueue) front() *waiter { return q.ws[q.head] }

// pop takes the oldest waiter out; the queue must not be empty.
func (q *waitQueue) pop() *waiter {
	w := q.ws[q.head]
	q.ws[q.head] = nil
	q.head++
	if q.head == len(q.ws) {
		q.ws, q.head = q.ws[:0], 0
	}
	return w
}

// push queues w last.
func (q *waitQueue) push(w *waiter) {
	if q.head > 0 && len(q.ws) == cap(q.ws) {
		n := copy(q.ws, q.ws[q.head:])
		clear(q.ws[n:])
		q.ws, q.head = q.ws[:n], 0
	}
	q.ws = append(q.ws, w)
}

// pushFront queues w first.
func (q *waitQueue) pushFront(w *waiter) {
	if q.head > 0 {
		q.head--
		q.ws[q.head] = w
		return
	}
	q.ws = slices.Insert(q.ws, 0, w)
}

// remove takes w out of the queue, wherever it is, and reports whether it
// was there.
func (q *waitQueue) remove(w *waiter) bool {
	i := slices.Index(q.ws[q.head:], w)
	if i < 0 {
		return false
	}
	q.ws = slices.Delete(q.ws, q.head+i, q.head+i+1)
	if q.head == len(q.ws) {
		q.ws, q.head = q.ws[:0], 0
	}
	return true
}

// drain returns the waiters, oldest first, and empties the queue.
func (q *waitQueue) drain() []*waiter {
	ws := q.ws[q.head:]
	q.ws, q.head = nil, 0
	return ws
}
