package runtime

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// replica is one harness process.
type replica struct {
	index   int
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	log     *ringLog
	baseURL string

	ready chan struct{} // closed once init() succeeded
	done  chan struct{} // closed once the process has exited
	exit  int           // exit status, valid after done

	inflight int // guarded by Service.mu
}

// startReplica launches the process; it does not wait for readiness.
func startReplica(index int, spec Spec, python, harness string) (*replica, error) {
	cmd := exec.Command(python, "-u", harness, spec.Dir, spec.Driver)
	cmd.Dir = spec.Dir
	cmd.Env = replicaEnv(spec)
	setProcessGroup(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	r := &replica{
		index: index, cmd: cmd, stdin: stdin, log: newRingLog(spec.LogLines),
		ready: make(chan struct{}), done: make(chan struct{}),
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("runtime: start replica %d: %w", index, err)
	}
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { defer readers.Done(); r.readStdout(stdout) }()
	go func() { defer readers.Done(); r.readLines(stderr) }()
	go func() {
		readers.Wait() // Wait must not run before the pipes are drained
		err := cmd.Wait()
		r.exit = exitCode(cmd, err)
		close(r.done)
	}()
	return r, nil
}

func replicaEnv(spec Spec) []string {
	env := os.Environ()
	for k, v := range spec.Env {
		env = append(env, k+"="+v)
	}
	env = append(env,
		"AZUREML_MODEL_DIR="+spec.ModelDir,
		"AML_APP_ROOT="+spec.Dir,
		"PYTHONUNBUFFERED=1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
	return env
}

func exitCode(cmd *exec.Cmd, err error) int {
	if cmd.ProcessState != nil {
		return cmd.ProcessState.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// readStdout handles the protocol lines and logs everything else.
func (r *replica) readStdout(rd io.Reader) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	readyClosed := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case r.baseURL == "" && !readyClosed && strings.HasPrefix(line, portLinePrefix):
			if port, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, portLinePrefix))); err == nil && port > 0 && port <= 65535 {
				r.baseURL = "http://127.0.0.1:" + strconv.Itoa(port)
			}
		case !readyClosed && r.baseURL != "" && strings.TrimRight(line, "\r") == readyLine:
			// Ready only after the port: Score reads baseURL once ready is closed.
			readyClosed = true
			close(r.ready)
		default:
			r.log.add(line)
		}
	}
	_, _ = io.Copy(io.Discard, rd)
}

func (r *replica) readLines(rd io.Reader) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		r.log.add(sc.Text())
	}
	_, _ = io.Copy(io.Discard, rd)
}

// waitReady blocks until init() succeeded, the process died or ctx ended.
func (r *replica) waitReady(ctx context.Context) error {
	select {
	case <-r.ready:
		return nil
	case <-r.done:
		// ready and done can race when the harness exits right after READY;
		// readiness wins only if it was really announced.
		select {
		case <-r.ready:
			return nil
		default:
		}
		log := r.log.String()
		return &InitError{Replica: r.index, ExitCode: r.exit, Traceback: extractTraceback(log), Log: log}
	case <-ctx.Done():
		return fmt.Errorf("runtime: replica %d not ready: %w", r.index, ctx.Err())
	}
}

// alive reports whether the process is still running.
func (r *replica) alive() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// kill ends the process group and waits for the process to be reaped.
func (r *replica) kill() {
	_ = r.stdin.Close()
	killProcessGroup(r.cmd)
	<-r.done
}

var errNoReplica = errors.New("no ready replica")
