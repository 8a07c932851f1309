package h2

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestHeaderSlots: response headers given to slots are sent as if they had
// been set in the header map at that moment — whichever of slot and map
// was set last wins, DelHeader removes both, a detached stream keeps its
// slots (the map still overrides them, DelHeader still removes them; the
// next inline stream's slots are its own), and a
// worker's writer refuses slots (the caller uses the map).
func TestHeaderSlots(t *testing.T) {
	type want map[string]string
	cases := map[string]struct {
		h    func(w http.ResponseWriter)
		want want
	}{
		"/slots": {func(w http.ResponseWriter) {
			SetHeader(w, SlotRequestID, "id-1")
			SetHeader(w, SlotApigwID, "gw-1")
			SetHeader(w, SlotContentType, "application/json")
			io.WriteString(w, "{}")
		}, want{"X-Amzn-Requestid": "id-1", "X-Amz-Apigw-Id": "gw-1", "Content-Type": "application/json", "Content-Length": "2"}},
		"/map-after-slot": {func(w http.ResponseWriter) {
			SetHeader(w, SlotContentType, "application/json")
			w.Header()["Content-Type"] = []string{"text/html"}
			SetContentLength(w, 5)
			w.Header()["Content-Length"] = []string{"2"}
			io.WriteString(w, "ab")
		}, want{"Content-Type": "text/html", "Content-Length": "2"}},
		"/slot-after-map": {func(w http.ResponseWriter) {
			w.Header()["Content-Type"] = []string{"text/html"}
			w.Header()["X-Other"] = []string{"o"}
			SetHeader(w, SlotContentType, "application/json")
			io.WriteString(w, "abc")
		}, want{"Content-Type": "application/json", "Content-Length": "3", "X-Other": "o"}},
		"/deleted": {func(w http.ResponseWriter) {
			SetHeader(w, SlotRequestID, "id-2")
			w.Header()["x-amz-apigw-id"] = []string{"gw-2"}
			DelHeader(w, SlotRequestID)
			DelHeader(w, SlotApigwID)
			io.WriteString(w, "x")
		}, want{"X-Amzn-Requestid": "", "X-Amz-Apigw-Id": "", "Content-Length": "1"}},
		"/detached": {func(w http.ResponseWriter) {
			SetHeader(w, SlotRequestID, "id-3")
			SetContentLength(w, 4)
			if !Detach(w) {
				panic("not detached")
			}
			if SetHeader(w, SlotApigwID, "gw-3") {
				panic("a detached stream took a slot")
			}
			w.Header()["x-amz-apigw-id"] = []string{"gw-3"}
			go func() {
				io.WriteString(w, "abcd")
				Finish(w)
			}()
		}, want{"X-Amzn-Requestid": "id-3", "X-Amz-Apigw-Id": "gw-3", "Content-Length": "4"}},
		"/detached-then-map": {func(w http.ResponseWriter) {
			SetHeader(w, SlotRequestID, "id-5")
			SetHeader(w, SlotApigwID, "gw-5")
			SetHeader(w, SlotContentType, "text/plain")
			SetContentLength(w, 9)
			if !Detach(w) {
				panic("not detached")
			}
			w.Header()["x-amzn-RequestId"] = []string{"id-5b"}
			w.Header()["Content-Length"] = []string{"3"}
			DelHeader(w, SlotApigwID)
			go func() {
				io.WriteString(w, "abc")
				Finish(w)
			}()
		}, want{"X-Amzn-Requestid": "id-5b", "X-Amz-Apigw-Id": "", "Content-Type": "text/plain", "Content-Length": "3"}},
		"/worker": {func(w http.ResponseWriter) {
			if SetHeader(w, SlotRequestID, "id-4") {
				panic("a worker's stream took a slot")
			}
			w.Header()["x-amzn-RequestId"] = []string{"id-4"}
			io.WriteString(w, "ab")
		}, want{"X-Amzn-Requestid": "id-4", "Content-Length": "2"}},
	}
	s := &Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { cases[r.URL.Path].h(w) }),
		Inline:  func(r *http.Request) bool { return r.URL.Path != "/worker" },
	}
	addr := serve(t, s)
	c := client(t)
	var wg sync.WaitGroup
	for range 5 {
		for path, tc := range cases {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Get("http://" + addr + path)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				for k, v := range tc.want {
					if got := strings.Join(resp.Header[k], ","); got != v {
						t.Errorf("%s: %s %q, want %q (%v)", path, k, got, v, resp.Header)
					}
				}
			}()
		}
		wg.Wait()
	}
}
