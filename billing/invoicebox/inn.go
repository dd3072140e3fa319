package invoicebox

var (
	innWeights10 = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights11 = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	innWeights12 = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// ValidateINN checks length and check digits of an ИНН: 10 digits for an organisation,
// 12 for an ИП or a person.
func ValidateINN(inn string) error {
	if !allDigits(inn) || (len(inn) != 10 && len(inn) != 12) {
		return inputErr("customer.inn", "ИНН must have 10 or 12 digits")
	}
	ok := innCheckDigit(inn, innWeights10) == inn[9]
	if len(inn) == 12 {
		ok = innCheckDigit(inn, innWeights11) == inn[10] && innCheckDigit(inn, innWeights12) == inn[11]
	}
	if !ok {
		return inputErr("customer.inn", "ИНН check digit does not match")
	}
	return nil
}

func innCheckDigit(inn string, weights []int) byte {
	sum := 0
	for i, w := range weights {
		sum += int(inn[i]-'0') * w
	}
	return byte('0' + sum%11%10)
}
