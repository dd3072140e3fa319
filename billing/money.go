package billing

import "github.com/shopspring/decimal"

// Providers speak roubles with kopecks; we store kopecks. Every currency we route has two decimals.
func minorToDecimal(m int64) decimal.Decimal { return decimal.New(m, -2) }

func decimalToMinor(d decimal.Decimal) int64 { return d.Shift(2).Round(0).IntPart() }
