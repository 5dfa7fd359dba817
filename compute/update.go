package compute

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Update changes the TLS and load balancer settings of the compute, like AksCompute.update
// in azureml-core: it validates cfg (all problems at once, *ValidationError), reads the
// compute's full JSON, edits properties.properties (reference §2.7) and PUTs it back. The
// returned operation is also what WaitForCompletion waits for.
func (c *AksCompute) Update(ctx context.Context, cfg UpdateConfiguration) (*Operation, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if c.ws == nil {
		return nil, errNoWorkspace
	}
	name := c.Name()
	raw, err := getRaw(ctx, c.ws, name)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep numbers exactly as the service sent them
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("compute: invalid compute payload: %v", err)
	}
	if err := cfg.apply(doc); err != nil {
		return nil, err
	}
	updated, err := put(ctx, c.ws, OperationUpdate, name, doc, nil)
	if err != nil {
		return nil, err
	}
	op := updated.op
	op.compute = c
	c.mu.Lock()
	c.op = op
	if updated.snap.id != "" {
		c.snap = updated.snap
	} else {
		c.snap.state = StateUpdating
	}
	c.mu.Unlock()
	return op, nil
}
