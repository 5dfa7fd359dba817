package emulator

import (
	"sync"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// liveRuntimes holds the running replicas of services and endpoint versions, by key,
// and serialises the lazy start of each key (after a restart of the local workspace the
// first scoring request starts the recorded deployment).
type liveRuntimes struct {
	mu    sync.Mutex
	live  map[string]*liveService
	start map[string]*sync.Mutex // one per key, held while that key starts
}

func newLiveRuntimes() liveRuntimes {
	return liveRuntimes{live: map[string]*liveService{}, start: map[string]*sync.Mutex{}}
}

// runningOr returns the live runtime of key or, when there is none, calls start once
// (concurrent callers for the same key wait for it) and returns what it returns. start
// registers the runtime it starts itself; it returns nil when the key cannot serve.
func (l *liveRuntimes) runningOr(key string, start func() *runtime.Service) *runtime.Service {
	if rt := l.get(key); rt != nil {
		return rt
	}
	l.mu.Lock()
	lock := l.start[key]
	if lock == nil {
		lock = &sync.Mutex{}
		l.start[key] = lock
	}
	l.mu.Unlock()

	lock.Lock()
	defer lock.Unlock()
	if rt := l.get(key); rt != nil {
		return rt
	}
	return start()
}

func (l *liveRuntimes) get(key string) *runtime.Service {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.live[key]; s != nil {
		return s.rt
	}
	return nil
}
