package lambda

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWaitQueue runs random pushes, pushes to the front, pops and removals
// on a waitQueue and on a plain slice, and checks that they hold the same
// waiters in the same order throughout, and that the queue's slice stays
// within a small multiple of the most it held.
func TestWaitQueue(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var q waitQueue
	var want []*waiter
	most := 0
	for i := range 200_000 {
		switch op := r.IntN(10); {
		case op < 4 || len(want) == 0:
			w := &waiter{}
			q.push(w)
			want = append(want, w)
		case op == 4:
			w := &waiter{}
			q.pushFront(w)
			want = slices.Insert(want, 0, w)
		case op < 9:
			if got := q.pop(); got != want[0] {
				t.Fatalf("op %d: pop is not the oldest", i)
			}
			want = want[1:]
		default:
			w := want[r.IntN(len(want))]
			if !q.remove(w) || q.remove(w) {
				t.Fatalf("op %d: remove", i)
			}
			want = slices.DeleteFunc(want, func(x *waiter) bool { return x == w })
		}
		most = max(most, len(want))
		if q.len() != len(want) || (len(want) > 0 && q.front() != want[0]) {
			t.Fatalf("op %d: len %d front, want %d", i, q.len(), len(want))
		}
		if cap(q.ws) > 4*most+8 {
			t.Fatalf("op %d: capacity %d for at most %d waiters", i, cap(q.ws), most)
		}
	}
	if !slices.Equal(q.drain(), want) || q.len() != 0 {
		t.Fatal("drain")
	}
}
