package endpoint

import (
	"errors"
	"maps"
	"slices"

	"github.com/azureml-go/azureml/webservice"
)

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func isNotFound(err error) bool {
	return errors.Is(err, webservice.ErrNotFound) || errors.Is(err, ErrNotFound)
}
