//go:build !(linux || darwin)

package redisstate

import "net"

// alive cannot peek at a socket here: a connection the peer closed fails
// the command sent on it.
func alive(net.Conn) bool { return true }
