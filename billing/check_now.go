package billing

import "context"

// CheckNow reconciles one payment at once instead of at its next check time: an open payment is
// settled by what its provider says, and closed as expired when its time limit has passed (its
// order withdrawn first). A payable's owner uses it when its own schedule says the order should
// be over (a subscription invoice on its expiry date).
func (s *Service) CheckNow(ctx context.Context, id string) error {
	p, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return s.check(detached(ctx), p, s.clock.Now())
}
