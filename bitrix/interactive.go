package bitrix

import "context"

type interactiveKey struct{}

// Interactive marks ctx as a request a person is waiting for: QUERY_LIMIT_EXCEEDED is then
// retried at most Config.InteractiveRetries times (about 7 s with the default backoff) and
// returned, so the caller can answer "Bitrix24 is busy". Background work, without the mark,
// keeps retrying until its own context ends.
func Interactive(ctx context.Context) context.Context {
	return context.WithValue(ctx, interactiveKey{}, true)
}

func isInteractive(ctx context.Context) bool {
	v, _ := ctx.Value(interactiveKey{}).(bool)
	return v
}
