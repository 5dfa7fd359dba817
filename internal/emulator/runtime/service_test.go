package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func needPython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
}

func writeScript(t testing.TB, dir, name, src string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
}

const echoScript = `
import json, os
def init():
    global model
    print("init: model dir", os.environ["AZUREML_MODEL_DIR"])
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "weights.txt")) as f:
        model = float(f.read())

def run(raw_data):
    data = json.loads(raw_data)["data"]
    print("scored", len(data), "rows")
    return {"result": [x * model for x in data], "pid": os.getpid()}
`

func startEcho(t *testing.T, spec Spec) *Service {
	t.Helper()
	needPython(t)
	dir, modelDir := t.TempDir(), t.TempDir()
	writeScript(t, dir, "score.py", echoScript)
	require.NoError(t, os.WriteFile(filepath.Join(modelDir, "weights.txt"), []byte("2"), 0o644))
	spec.Dir, spec.Driver, spec.ModelDir = dir, "score.py", modelDir
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, err := Start(ctx, spec)
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Stop() })
	return svc
}

func score(t *testing.T, svc *Service, body string) *Result {
	t.Helper()
	res, err := svc.Score(context.Background(), []byte(body), nil)
	require.NoError(t, err)
	return res
}

func TestScoreCallsInitOnceAndRunPerRequest(t *testing.T) {
	svc := startEcho(t, Spec{})
	for i := 0; i < 3; i++ {
		res := score(t, svc, `{"data":[1,2,3]}`)
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var out struct{ Result []float64 }
		require.NoError(t, json.Unmarshal(res.Body, &out))
		assert.Equal(t, []float64{2, 4, 6}, out.Result)
		assert.Equal(t, OutcomeOK, res.Outcome)
	}
	// Output reaches the log asynchronously (pipes), so wait for it.
	require.Eventually(t, func() bool { return strings.Count(svc.Logs(0), "scored 3 rows") == 3 }, 10*time.Second, time.Millisecond)
	logs := svc.Logs(0)
	assert.Equal(t, 1, strings.Count(logs, "init: model dir"), logs)
	assert.Contains(t, logs, "Users's init has completed successfully")
	assert.NotContains(t, logs, portLinePrefix)
	assert.NotContains(t, logs, readyLine)
}

func TestLogsTail(t *testing.T) {
	svc := startEcho(t, Spec{})
	for i := 0; i < 5; i++ {
		score(t, svc, `{"data":[`+strconv.Itoa(i)+`]}`)
	}
	require.Eventually(t, func() bool { return strings.Count(svc.Logs(0), "scored 1 rows") == 5 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, "scored 1 rows\nscored 1 rows\n", svc.Logs(2))
}

func TestRunReturnsStringIsJSONEncoded(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", "def init():\n    pass\ndef run(raw):\n    return raw.upper()\n")
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	defer svc.Stop()
	res := score(t, svc, `"abc"`)
	assert.Equal(t, `"\"ABC\""`, string(res.Body))
}

func TestRunExceptionIs500WithErrorText(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", "def init():\n    pass\ndef run(raw):\n    raise ValueError('bad input shape')\n")
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	defer svc.Stop()
	res := score(t, svc, `{}`)
	assert.Equal(t, http.StatusInternalServerError, res.Status)
	assert.Equal(t, OutcomeModelError, res.Outcome)
	assert.Contains(t, string(res.Body), "ValueError: bad input shape")
	assert.Equal(t, "True", res.Header.Get("X-Ms-Run-Function-Failed"))
	require.Eventually(t, func() bool { return strings.Contains(svc.Logs(0), "Traceback (most recent call last)") }, 10*time.Second, time.Millisecond)
}

func TestRunReceivesRequestHeadersWhenAsked(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", "def run(raw, request_headers):\n    return request_headers.get('X-Ms-Request-Id')\n")
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	defer svc.Stop()
	res, err := svc.Score(context.Background(), []byte(`{}`), http.Header{"X-Ms-Request-Id": {"req-1"}, "Authorization": {"Bearer secret"}})
	require.NoError(t, err)
	assert.Equal(t, `"req-1"`, string(res.Body))
}

func TestInitFailureReturnsTraceback(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", "print('loading model')\ndef init():\n    raise RuntimeError('model file missing: model.pkl')\ndef run(raw):\n    return 1\n")
	_, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py", Replicas: 2})
	var ie *InitError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, exitInitFailed, ie.ExitCode)
	assert.True(t, strings.HasPrefix(ie.Traceback, "Traceback (most recent call last):"), ie.Traceback)
	assert.Contains(t, ie.Traceback, "RuntimeError: model file missing: model.pkl")
	assert.Contains(t, ie.Log, "loading model")
	assert.Contains(t, err.Error(), "init() failed")
	assert.Contains(t, err.Error(), "model file missing")
}

func TestImportErrorAndMissingRunFailInit(t *testing.T) {
	needPython(t)
	for name, src := range map[string]string{
		"syntax error": "def init(:\n",
		"no run":       "def init():\n    pass\n",
		"import error": "import module_that_does_not_exist\n",
		"sys.exit":     "import sys\ndef init():\n    sys.exit(0)\ndef run(r):\n    return r\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeScript(t, dir, "score.py", src)
			_, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
			var ie *InitError
			require.ErrorAs(t, err, &ie)
			assert.NotEmpty(t, ie.Traceback)
		})
	}
}

func TestMissingDriverAndPython(t *testing.T) {
	dir := t.TempDir()
	_, err := Start(context.Background(), Spec{Dir: dir, Driver: "nope.py"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope.py not found")

	writeScript(t, dir, "score.py", "def run(r):\n    return r\n")
	_, err = Start(context.Background(), Spec{Dir: dir, Driver: "score.py", Python: "python3-that-does-not-exist"})
	assert.ErrorIs(t, err, ErrPythonNotFound)
}

func TestSourceDirectoryOnPath(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "src/helpers.py", "def double(x):\n    return 2 * x\n")
	writeScript(t, dir, "src/score.py", "import helpers\ndef run(raw):\n    return helpers.double(int(raw))\n")
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "src/score.py", Env: map[string]string{"AZUREML_SOURCE_DIRECTORY": "src"}})
	require.NoError(t, err)
	defer svc.Stop()
	assert.Equal(t, "42", string(score(t, svc, "21").Body))
}

func TestRoundRobinAcrossReplicas(t *testing.T) {
	svc := startEcho(t, Spec{Replicas: 3})
	pids := map[float64]int{}
	for i := 0; i < 9; i++ {
		res := score(t, svc, `{"data":[1]}`)
		var out struct{ Pid float64 }
		require.NoError(t, json.Unmarshal(res.Body, &out))
		pids[out.Pid]++
	}
	assert.Len(t, pids, 3)
	for _, n := range pids {
		assert.Equal(t, 3, n)
	}
}

const slowScript = `
import time, os
def run(raw):
    if raw.startswith("wait:"):
        path = raw[5:]
        while not os.path.exists(path):
            time.sleep(0.01)
    elif raw.startswith("sleep:"):
        time.sleep(float(raw[6:]))
    return "done"
`

func TestQueueFullBeyondConcurrencyAndWait(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", slowScript)
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py", MaxConcurrentPerReplica: 1, MaxQueueWait: 50 * time.Millisecond})
	require.NoError(t, err)
	defer svc.Stop()

	gate := filepath.Join(t.TempDir(), "gate")
	first := make(chan *Result)
	go func() {
		res, _ := svc.Score(context.Background(), []byte("wait:"+gate), nil)
		first <- res
	}()
	// Wait until the first request holds the only slot.
	require.Eventually(t, func() bool {
		inflight, _ := svc.Load()
		return inflight == 1
	}, 10*time.Second, time.Millisecond)

	res := score(t, svc, "sleep:0")
	assert.Equal(t, http.StatusTooManyRequests, res.Status)
	assert.Equal(t, OutcomeQueueFull, res.Outcome)

	require.NoError(t, os.WriteFile(gate, nil, 0o644))
	assert.Equal(t, http.StatusOK, (<-first).Status)
	assert.Equal(t, http.StatusOK, score(t, svc, "sleep:0").Status)
}

func TestQueuedRequestGetsSlotWhenFreed(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", slowScript)
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py", MaxConcurrentPerReplica: 1, MaxQueueWait: time.Minute})
	require.NoError(t, err)
	defer svc.Stop()
	gate := filepath.Join(t.TempDir(), "gate")
	var wg sync.WaitGroup
	results := make([]*Result, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = svc.Score(context.Background(), []byte("wait:"+gate), nil)
		}()
	}
	require.Eventually(t, func() bool {
		inflight, queued := svc.Load()
		return inflight == 1 && queued == 1
	}, 10*time.Second, time.Millisecond)
	require.NoError(t, os.WriteFile(gate, nil, 0o644))
	wg.Wait()
	for _, r := range results {
		assert.Equal(t, http.StatusOK, r.Status)
	}
}

func TestScoringTimeout(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", slowScript)
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py", ScoringTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	defer svc.Stop()
	res := score(t, svc, "sleep:30")
	assert.Equal(t, http.StatusGatewayTimeout, res.Status)
	assert.Equal(t, OutcomeTimeout, res.Outcome)
}

func TestCallerCancellationIsAnError(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", slowScript)
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	defer svc.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = svc.Score(ctx, []byte("sleep:30"), nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestScaleUpAndDown(t *testing.T) {
	svc := startEcho(t, Spec{})
	ctx := context.Background()
	require.NoError(t, svc.Scale(ctx, 3))
	assert.Equal(t, 3, svc.Replicas())
	pids := map[float64]bool{}
	for i := 0; i < 6; i++ {
		var out struct{ Pid float64 }
		require.NoError(t, json.Unmarshal(score(t, svc, `{"data":[1]}`).Body, &out))
		pids[out.Pid] = true
	}
	assert.Len(t, pids, 3)
	require.NoError(t, svc.Scale(ctx, 1))
	assert.Equal(t, 1, svc.Replicas())
	alive := 0 // exactly one of the three processes survives
	for pid := range pids {
		if syscall.Kill(int(pid), 0) == nil {
			alive++
		}
	}
	assert.Equal(t, 1, alive)
	assert.Equal(t, http.StatusOK, score(t, svc, `{"data":[1]}`).Status)
	assert.Error(t, svc.Scale(ctx, 0))
}

func TestStopKillsProcessGroupAndIsIdempotent(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	writeScript(t, dir, "score.py", `
import subprocess, sys
def init():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    with open(`+strconv.Quote(pidFile)+`, "w") as f:
        f.write(str(child.pid))
def run(raw):
    return raw
`)
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	child, err := strconv.Atoi(string(b))
	require.NoError(t, err)
	require.NoError(t, syscall.Kill(child, 0), "child should be running")

	require.NoError(t, svc.Stop())
	require.NoError(t, svc.Stop())
	require.Eventually(t, func() bool {
		// A zombie reparented to init may linger briefly; ESRCH means gone.
		return errors.Is(syscall.Kill(child, 0), syscall.ESRCH) || isZombie(child)
	}, 10*time.Second, 10*time.Millisecond)
	_, err = svc.Score(context.Background(), []byte("x"), nil)
	assert.ErrorIs(t, err, ErrStopped)
	assert.ErrorIs(t, svc.Scale(context.Background(), 2), ErrStopped)
}

func isZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] == "Z"
}

func TestDeadReplicaIsSkippedAndLastOneGives503(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", "import os\ndef run(raw):\n    if raw == 'die':\n        os._exit(1)\n    return 'ok'\n")
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	defer svc.Stop()
	res := score(t, svc, "die")
	assert.Equal(t, http.StatusBadGateway, res.Status)
	assert.Equal(t, OutcomeUnavailable, res.Outcome)
	require.Eventually(t, func() bool { return !svc.replicas[0].alive() }, 10*time.Second, 5*time.Millisecond)
	res = score(t, svc, "x")
	assert.Equal(t, http.StatusServiceUnavailable, res.Status)
}

func TestHarnessServesHealthAndSwagger(t *testing.T) {
	svc := startEcho(t, Spec{})
	r := svc.replicas[0]
	resp, err := http.Get(r.baseURL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(r.baseURL + "/swagger.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.Equal(t, "2.0", doc["swagger"])
}

func TestRingLogKeepsLastLines(t *testing.T) {
	l := newRingLog(3)
	for i := 0; i < 5; i++ {
		l.add(strconv.Itoa(i))
	}
	assert.Equal(t, "2\n3\n4\n", l.String())
	l.add(strings.Repeat("x", maxLineBytes+10))
	assert.Less(t, len(l.String()), maxLineBytes+100)
}

func TestSpecValidation(t *testing.T) {
	_, err := Start(context.Background(), Spec{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Dir is required")
	assert.Contains(t, err.Error(), "Driver is required")
	_, err = Start(context.Background(), Spec{Dir: t.TempDir(), Driver: "x.py", Replicas: -1})
	assert.Contains(t, err.Error(), "negative")
}

func TestInitFailureDoesNotWaitForSlowReplicas(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	// Replica 0 fails at once; the others would block in init() for ten minutes.
	writeScript(t, dir, "score.py", `
import os, time
def init():
    if os.environ.get("FAIL_MARK") and not os.path.exists(os.environ["FAIL_MARK"]):
        open(os.environ["FAIL_MARK"], "w").close()
        raise RuntimeError("first replica fails")
    time.sleep(600)
def run(raw):
    return raw
`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := Start(ctx, Spec{Dir: dir, Driver: "score.py", Replicas: 3, Env: map[string]string{"FAIL_MARK": filepath.Join(t.TempDir(), "mark")}})
	var ie *InitError
	require.ErrorAs(t, err, &ie)
	assert.Contains(t, ie.Traceback, "first replica fails")
	assert.NoError(t, ctx.Err(), "Start waited for the slow replicas")
}

func TestSetLimitsAppliesToNextRequest(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeScript(t, dir, "score.py", slowScript)
	svc, err := Start(context.Background(), Spec{Dir: dir, Driver: "score.py"})
	require.NoError(t, err)
	defer svc.Stop()
	svc.SetLimits(Limits{ScoringTimeout: 50 * time.Millisecond})
	assert.Equal(t, http.StatusGatewayTimeout, score(t, svc, "sleep:30").Status)
	svc.SetLimits(Limits{})
	assert.Equal(t, DefaultScoringTimeout, svc.limits().ScoringTimeout)
	assert.Equal(t, http.StatusOK, score(t, svc, "sleep:0").Status)
}
