package finance

import "b24pay/schedules"

// currencyOf looks a stored currency code up (RUB when the code is unknown).
func currencyOf(code string) schedules.Currency {
	cur, err := schedules.LookupCurrency(code)
	if err != nil {
		cur, _ = schedules.LookupCurrency("RUB")
	}
	return cur
}

// Currency looks a currency code up (RUB when unknown).
func Currency(code string) schedules.Currency { return currencyOf(code) }
