package workspace

import "os"

// getenv is a variable so that tests can substitute the environment.
var getenv = os.Getenv
