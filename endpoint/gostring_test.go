package endpoint

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpointPrintsItsSummaryWithEveryVerb(t *testing.T) {
	ws := newWireWorkspace(t)
	expectGET(t, twoVersions(t))
	ep, err := Get(context.Background(), ws, "rollout")
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.Equal(t, "AksEndpoint rollout (Healthy)", fmt.Sprintf(verb, ep), verb)
	}
	var none *AksEndpoint
	assert.Equal(t, "(*endpoint.AksEndpoint)(nil)", fmt.Sprintf("%#v", none))
}
