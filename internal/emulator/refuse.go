package emulator

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// RefuseConnections makes the server refuse new TCP connections for d, the
// one fault a client can be certain left its request unsent: the listener is
// closed (a connect gets "connection refused") and every keep-alive
// connection is closed as soon as it is idle, so the next request of any
// client must dial and is refused. After d the server listens on the same
// address again and serves as before; Close ends the refusal early. While it
// refuses, another call is an error.
//
// A Fault cannot do this: a fault acts on a request the server has read,
// which the client may already have written in full. Requests in flight when
// RefuseConnections is called are served; their connections are closed when
// they become idle. Refused connections never reach the request log.
// A client that reuses a pooled connection in the instant it is closed may see
// a reset instead of a refusal; give clients a few milliseconds to notice the
// closed idle connections before the next request.
func (s *Server) RefuseConnections(d time.Duration) error {
	if d <= 0 {
		return errors.New("emulator: RefuseConnections needs a positive duration")
	}
	if err := s.lst.pause(); err != nil {
		return err
	}
	s.conns.refuse(true)
	s.logf("emulator: refusing connections for %s", d)
	t := time.NewTimer(d)
	s.goBackground(func() {
		select {
		case <-t.C:
		case <-s.closing:
			t.Stop()
		}
		s.conns.refuse(false)
		if err := s.lst.resume(); err != nil {
			s.logf("emulator: listening again after refusing connections: %v", err)
			return
		}
		s.logf("emulator: accepting connections again")
	})
	return nil
}

// reopenListener is the listener the http.Server serves: it can be closed
// and reopened on the same address without ending Serve.
type reopenListener struct {
	addr net.Addr

	mu      sync.Mutex
	inner   net.Listener // nil while refusing
	reopen  chan struct{}
	stopped bool
}

func newReopenListener(ln net.Listener) *reopenListener {
	return &reopenListener{addr: ln.Addr(), inner: ln}
}

// Accept waits for a connection; while the listener is paused it waits for
// it to be resumed.
func (l *reopenListener) Accept() (net.Conn, error) {
	for {
		l.mu.Lock()
		inner, reopen, stopped := l.inner, l.reopen, l.stopped
		l.mu.Unlock()
		if stopped {
			return nil, net.ErrClosed
		}
		if inner == nil {
			<-reopen
			continue
		}
		c, err := inner.Accept()
		if err == nil {
			return c, nil
		}
		l.mu.Lock()
		paused := l.inner != inner && !l.stopped
		l.mu.Unlock()
		if !paused {
			return nil, err
		}
	}
}

// pause closes the socket; Accept waits until resume.
func (l *reopenListener) pause() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return net.ErrClosed
	}
	if l.inner == nil {
		return errors.New("emulator: already refusing connections")
	}
	err := l.inner.Close()
	l.inner = nil
	l.reopen = make(chan struct{})
	return err
}

// resume listens on the original address again.
func (l *reopenListener) resume() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped || l.inner != nil {
		return nil
	}
	var ln net.Listener
	var err error
	for range 50 { // the port was ours a moment ago; give the kernel a moment if needed
		if ln, err = net.Listen("tcp", l.addr.String()); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		l.stopped = true
		close(l.reopen)
		return fmt.Errorf("emulator: listen %s again: %w", l.addr, err)
	}
	l.inner = ln
	close(l.reopen)
	return nil
}

// Close stops the listener for good.
func (l *reopenListener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return nil
	}
	l.stopped = true
	if l.inner == nil {
		close(l.reopen)
		return nil
	}
	return l.inner.Close()
}

func (l *reopenListener) Addr() net.Addr { return l.addr }

// connTracker follows the server's connections (http.Server.ConnState) so
// that, while connections are refused, none is kept alive for another request.
type connTracker struct {
	mu       sync.Mutex
	state    map[net.Conn]http.ConnState
	refusing bool
}

func (t *connTracker) track(c net.Conn, st http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case st == http.StateClosed || st == http.StateHijacked:
		delete(t.state, c)
	case t.refusing && (st == http.StateIdle || st == http.StateNew):
		_ = c.Close()
		delete(t.state, c)
	default:
		if t.state == nil {
			t.state = map[net.Conn]http.ConnState{}
		}
		t.state[c] = st
	}
}

// refuse switches refusing on or off; on, it closes every connection that is
// not serving a request now, and the others when they finish.
func (t *connTracker) refuse(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refusing = on
	if !on {
		return
	}
	for c, st := range t.state {
		if st == http.StateIdle || st == http.StateNew {
			_ = c.Close()
			delete(t.state, c)
		}
	}
}
