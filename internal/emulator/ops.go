package emulator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Store kind of operation records.
const kindOperation = "operation"

// Operation styles.
const (
	opStyleARM = "arm"
	opStyleMMS = "mms"
)

// ARM Azure-AsyncOperation statuses (reference §2.5; InProgress is the usual
// non-terminal ARM value, the reference marks it UNCONFIRMED).
const (
	armInProgress = "InProgress"
	armSucceeded  = "Succeeded"
	armFailed     = "Failed"
	armCanceled   = "Canceled"
)

// Model-management operation states (reference §5.3 AsyncOperationState).
const (
	mmsNotStarted = "NotStarted"
	mmsRunning    = "Running"
	mmsSucceeded  = "Succeeded"
	mmsFailed     = "Failed"
	mmsCancelled  = "Cancelled"
	mmsTimedOut   = "TimedOut"
)

// armOperationAPIVersion is the api-version carried by Azure-AsyncOperation URLs.
const armOperationAPIVersion = "2020-02-02"

// opError is a failure with a service error code; return it (via newOpError)
// from an operation's run func to control the operation's error object.
type opError struct {
	Code       string
	Message    string
	StatusCode int
}

func (e *opError) Error() string { return e.Code + ": " + e.Message }

// newOpError returns an error that fails an operation with code and message
// (statusCode 400 in the MMS error object).
func newOpError(code, message string) error {
	return &opError{Code: code, Message: message, StatusCode: http.StatusBadRequest}
}

// errOpCanceled, returned by a run func, ends the operation as Canceled (ARM)
// / Cancelled (MMS). errOpTimedOut ends an MMS operation as TimedOut (ARM: Failed).
var (
	errOpCanceled = errors.New("operation canceled")
	errOpTimedOut = errors.New("operation timed out")
)

// opRecord is the persisted state of one operation.
type opRecord struct {
	ID               string     `json:"id"`
	Style            string     `json:"style"`
	OperationType    string     `json:"operationType,omitempty"`
	State            string     `json:"state"`
	Target           string     `json:"target"`
	Created          time.Time  `json:"created"`
	Ended            *time.Time `json:"ended,omitempty"`
	Error            *opError   `json:"error,omitempty"`
	Log              []string   `json:"log,omitempty"`
	SubType          string     `json:"subType,omitempty"`
	SubState         string     `json:"subState,omitempty"`
	ResourceLocation string     `json:"resourceLocation,omitempty"`
}

func (r *opRecord) terminal() bool {
	switch r.State {
	case armInProgress, mmsNotStarted, mmsRunning:
		return false
	}
	return true
}

// opRegistry runs and serves asynchronous operations of both styles.
type opRegistry struct {
	s *Server
}

func newOpRegistry(s *Server) *opRegistry { return &opRegistry{s: s} }

// mmsOpOption adjusts an MMS operation at creation.
type mmsOpOption func(*opRecord)

// withResourceLocation sets the operation's resourceLocation (e.g. the service path).
func withResourceLocation(loc string) mmsOpOption {
	return func(r *opRecord) { r.ResourceLocation = loc }
}

// StartARM starts an ARM-style operation and returns its absolute
// Azure-AsyncOperation URL ({base}/operations/arm/{id}?api-version=2020-02-02).
// The operation reports InProgress for at least Options.OperationDelay; then
// run executes in a goroutine; when it returns the status becomes Succeeded,
// or Failed with run's error (an *opError keeps its code; other errors get
// code InternalServerError), or Canceled for errOpCanceled. ctx is cancelled
// when the server closes; an operation interrupted that way stays in progress
// on disk and is finished by the next server (see restore).
func (o *opRegistry) StartARM(run func(ctx context.Context) error) string {
	id := o.start(opStyleARM, "", armInProgress, func(ctx context.Context, _ *opRecord) error { return run(ctx) })
	return o.s.base + "/operations/arm/" + id + "?api-version=" + armOperationAPIVersion
}

// StartMMS starts a model-management operation of the given operationType
// (e.g. "Deploy", "Delete", "Update") and returns its id; the operation is
// served at {MMS}/operations/{id} (absolute URL: s.mmsOperationURL(id)). It is
// NotStarted for at least Options.OperationDelay, Running while run executes,
// then Succeeded / Failed / Cancelled (errOpCanceled) / TimedOut
// (errOpTimedOut). log appends a streamingOperationLog entry; setSub sets
// operationDetails.{subOperationType,subOperationState}.
func (o *opRegistry) StartMMS(opType string, run func(ctx context.Context, log func(string), setSub func(subType, subState string)) error, opts ...mmsOpOption) string {
	return o.start(opStyleMMS, opType, mmsNotStarted, func(ctx context.Context, rec *opRecord) error {
		id := rec.ID
		logf := func(msg string) {
			entry := time.Now().UTC().Format("20060102150405") + "|" + sanitizeLogMessage(msg)
			o.update(id, func(r *opRecord) { r.Log = append(r.Log, entry) })
		}
		setSub := func(subType, subState string) {
			o.update(id, func(r *opRecord) { r.SubType, r.SubState = subType, subState })
		}
		return run(ctx, logf, setSub)
	}, opts...)
}

func (o *opRegistry) start(style, opType, initial string, run func(context.Context, *opRecord) error, opts ...mmsOpOption) string {
	rec := &opRecord{
		ID:            newUUID(),
		Style:         style,
		OperationType: opType,
		State:         initial,
		Target:        armSucceeded, // same spelling in both styles
		Created:       time.Now().UTC(),
	}
	for _, opt := range opts {
		opt(rec)
	}
	if err := o.s.store.Put(kindOperation, rec.ID, rec); err != nil {
		o.s.logf("emulator: operation %s: %v", rec.ID, err)
	}
	ctx := o.s.ctx
	o.s.goBackground(func() {
		if !sleepCtx(ctx, o.s.opts.OperationDelay) {
			return
		}
		if style == opStyleMMS {
			o.update(rec.ID, func(r *opRecord) { r.State = mmsRunning })
		}
		err := runSafely(ctx, rec, run)
		if ctx.Err() != nil {
			return // server closing: leave it in progress for restore
		}
		o.finish(rec.ID, err)
	})
	return rec.ID
}

// runSafely turns a panic in run into an operation failure.
func runSafely(ctx context.Context, rec *opRecord, run func(context.Context, *opRecord) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &opError{Code: "InternalServerError", Message: fmt.Sprintf("operation panicked: %v", p), StatusCode: http.StatusInternalServerError}
		}
	}()
	return run(ctx, rec)
}

// finish records the terminal state for run's result.
func (o *opRegistry) finish(id string, err error) {
	o.update(id, func(r *opRecord) {
		now := time.Now().UTC()
		r.Ended = &now
		var oe *opError
		switch {
		case err == nil:
			r.State = mmsSucceeded
		case errors.Is(err, errOpCanceled):
			r.State = cancelState(r.Style)
		case errors.Is(err, errOpTimedOut) && r.Style == opStyleMMS:
			r.State = mmsTimedOut
			r.Error = &opError{Code: "TimedOut", Message: err.Error(), StatusCode: http.StatusRequestTimeout}
		case errors.As(err, &oe):
			r.State = mmsFailed
			e := *oe
			if e.StatusCode == 0 {
				e.StatusCode = http.StatusBadRequest
			}
			r.Error = &e
		default:
			r.State = mmsFailed
			r.Error = &opError{Code: "InternalServerError", Message: err.Error(), StatusCode: http.StatusInternalServerError}
		}
	})
}

func cancelState(style string) string {
	if style == opStyleARM {
		return armCanceled
	}
	return mmsCancelled
}

// update is a read-modify-write of one operation record.
func (o *opRegistry) update(id string, fn func(*opRecord)) {
	err := updateRecord(o.s.store, kindOperation, id, func(r *opRecord, exists bool) (bool, error) {
		if !exists {
			return false, nil
		}
		fn(r)
		return true, nil
	})
	if err != nil {
		o.s.logf("emulator: operation %s: %v", id, err)
	}
}

// get returns a copy of an operation record.
func (o *opRegistry) get(id string) (opRecord, bool) {
	var r opRecord
	ok := o.s.store.Get(kindOperation, id, &r)
	return r, ok
}

// restore finishes operations that were in progress when a previous server
// stopped. Their run funcs are gone with that process, so each is ended in its
// recorded target state (always Succeeded: the emulator's operations succeed
// unless their work fails, and the work's side effects are the feature files'
// to repair from their registerRoutes hooks), with endTime = restart time and,
// for MMS, a log entry saying so.
func (o *opRegistry) restore() error {
	now := time.Now().UTC()
	for _, id := range o.s.store.Keys(kindOperation) {
		err := updateRecord(o.s.store, kindOperation, id, func(r *opRecord, exists bool) (bool, error) {
			if !exists || r.terminal() {
				return false, nil
			}
			r.State = r.Target
			if r.State == "" {
				r.State = mmsSucceeded
			}
			r.Ended = &now
			r.Log = append(r.Log, now.Format("20060102150405")+"|The local workspace restarted while this operation was in progress; it finished as "+r.State+".")
			return true, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// sanitizeLogMessage keeps an entry inside the '#'-separated, one-line log format.
func sanitizeLogMessage(msg string) string {
	return strings.NewReplacer("#", " ", "\r\n", " ", "\n", " ", "\r", " ").Replace(msg)
}

// sleepCtx waits d; it reports false if ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// setRetryAfter writes the poll hints of Options.RetryAfter.
func (s *Server) setRetryAfter(w http.ResponseWriter) {
	d := s.opts.RetryAfter
	if d <= 0 {
		return
	}
	secs := int(math.Ceil(d.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	ms := d.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	w.Header().Set("retry-after-ms", strconv.FormatInt(ms, 10))
}

// armOperationBody is the Azure-AsyncOperation poll response.
type armOperationBody struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Status    string        `json:"status"`
	StartTime string        `json:"startTime"`
	EndTime   string        `json:"endTime,omitempty"`
	Error     *armErrorBody `json:"error,omitempty"`
}

// mmsOperationBody is the model-management AsyncOperationStatus (reference §5.3).
type mmsOperationBody struct {
	ID                    string               `json:"id"`
	OperationType         string               `json:"operationType"`
	State                 string               `json:"state"`
	CreatedTime           string               `json:"createdTime"`
	EndTime               string               `json:"endTime,omitempty"`
	Error                 *mmsError            `json:"error,omitempty"`
	ResourceLocation      string               `json:"resourceLocation,omitempty"`
	OperationDetails      *mmsOperationDetails `json:"operationDetails,omitempty"`
	StreamingOperationLog string               `json:"streamingOperationLog,omitempty"`
}

type mmsOperationDetails struct {
	SubOperationType  string `json:"subOperationType,omitempty"`
	SubOperationState string `json:"subOperationState,omitempty"`
}

const timeFormat = "2006-01-02T15:04:05.0000000Z07:00"

// handleARMOperation serves GET {base}/operations/arm/{id}.
func (s *Server) handleARMOperation(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("api-version") == "" {
		writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	rec, ok := s.ops.get(r.PathValue("id"))
	if !ok || rec.Style != opStyleARM {
		writeARMError(w, http.StatusNotFound, "ResourceNotFound", "Operation not found.")
		return
	}
	body := armOperationBody{
		ID: "/subscriptions/" + s.opts.SubscriptionID + "/providers/Microsoft.MachineLearningServices/locations/" +
			s.opts.Location + "/computeOperationsStatus/" + rec.ID,
		Name:      rec.ID,
		Status:    armStatus(rec.State),
		StartTime: rec.Created.Format(timeFormat),
	}
	if rec.Ended != nil {
		body.EndTime = rec.Ended.Format(timeFormat)
	}
	if rec.Error != nil {
		body.Error = &armErrorBody{Code: rec.Error.Code, Message: rec.Error.Message}
	}
	if !rec.terminal() {
		s.setRetryAfter(w)
	}
	writeJSON(w, http.StatusOK, body)
}

// armStatus maps a stored state onto the ARM vocabulary.
func armStatus(state string) string {
	switch state {
	case mmsNotStarted, mmsRunning:
		return armInProgress
	case mmsCancelled:
		return armCanceled
	case mmsTimedOut:
		return armFailed
	}
	return state
}

// handleMMSOperation serves GET {MMS}/operations/{id}[?offset=N]; offset skips
// that many characters (Unicode code points) of streamingOperationLog.
func (s *Server) handleMMSOperation(w http.ResponseWriter, r *http.Request) {
	offset := 0
	if v := r.URL.Query().Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "offset must be a non-negative integer.")
			return
		}
		offset = n
	}
	rec, ok := s.ops.get(r.PathValue("id"))
	if !ok || rec.Style != opStyleMMS {
		writeMMSError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Operation with id %s not found.", r.PathValue("id")))
		return
	}
	body := mmsOperationBody{
		ID:                    rec.ID,
		OperationType:         rec.OperationType,
		State:                 rec.State,
		CreatedTime:           rec.Created.Format(timeFormat),
		ResourceLocation:      rec.ResourceLocation,
		StreamingOperationLog: skipRunes(strings.Join(rec.Log, "#"), offset),
	}
	if rec.Ended != nil {
		body.EndTime = rec.Ended.Format(timeFormat)
	}
	if rec.Error != nil {
		body.Error = &mmsError{Code: rec.Error.Code, StatusCode: rec.Error.StatusCode, Message: rec.Error.Message, Details: []mmsErrorDetail{}}
	}
	if rec.SubType != "" || rec.SubState != "" {
		body.OperationDetails = &mmsOperationDetails{SubOperationType: rec.SubType, SubOperationState: rec.SubState}
	}
	if !rec.terminal() {
		s.setRetryAfter(w)
	}
	writeJSON(w, http.StatusOK, body)
}

// skipRunes returns s without its first n code points.
func skipRunes(s string, n int) string {
	if n <= 0 {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[pos:]
		}
		i++
	}
	return ""
}
