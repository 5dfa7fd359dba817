package auth

import "time"

// ServiceKeys are the two keys of a key-authenticated web service
// (AksWebservice.get_keys in azureml-core). Either one authorises scoring as
// "Authorization: Bearer <key>".
type ServiceKeys struct {
	Primary   Secret
	Secondary Secret
}

// AccessToken is a token-authenticated web service's scoring token
// (AksWebservice.get_access_token in azureml-core). Ask for a new one once
// RefreshAfter has passed; it stops working at ExpiresOn.
type AccessToken struct {
	Token        Secret
	TokenType    string // "Bearer"
	RefreshAfter time.Time
	ExpiresOn    time.Time
}

// NeedsRefresh reports whether a new token should be fetched at now: once
// RefreshAfter is reached, or when the token has expired. A token with
// neither time set never asks for refresh.
func (t AccessToken) NeedsRefresh(now time.Time) bool {
	return (!t.RefreshAfter.IsZero() && !now.Before(t.RefreshAfter)) || t.Expired(now)
}

// Expired reports whether the token is past ExpiresOn at now. A zero
// ExpiresOn means unknown, which is not expired.
func (t AccessToken) Expired(now time.Time) bool {
	return !t.ExpiresOn.IsZero() && !now.Before(t.ExpiresOn)
}
