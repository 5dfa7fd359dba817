// Package secretscan holds no code: its tests prove that no secret reaches any output.
//
// With azcore logging at full verbosity, they run every example (as built binaries,
// against a local workspace the test owns, with AZURE_SDK_GO_LOGGING=all) and an
// in-process flow that touches every secret-bearing call (compute credentials, custom
// service keys, key regeneration, token auth, registry passwords, TLS keys, scoring
// errors, endpoints), and the azml command-line tool through every command group (its
// stdout is exempt only for the commands that print a key or token on purpose, service
// keys list / regen and service token, which must print them there and only there). Then they grep stdout, stderr, the azcore log, every error text and
// the %v / %+v / %#v / %s forms of every returned value for each secret the run
// produced: the ones the local workspace issued (emulator.Server.IssuedSecrets: service
// and endpoint keys, access tokens, kubeconfigs and their tokens, SAS signatures, its
// signing keys) and the ones the test chose (ARM bearer token, custom keys, registry
// password, TLS private key). A failure names the kind of secret and where it leaked.
//
//	go test ./internal/secretscan -v
package secretscan
