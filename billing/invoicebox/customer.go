package invoicebox

import (
	"strings"
	"unicode"
)

// CustomerKind is who pays: an organisation or ИП (legal), or an individual (private).
type CustomerKind string

// Customer kinds as Invoicebox names them; an ИП is legal with a 12-digit ИНН and no КПП.
const (
	CustomerLegal   CustomerKind = "legal"
	CustomerPrivate CustomerKind = "private"
)

// Customer is the buyer printed on the invoice and the closing documents.
type Customer struct {
	Kind    CustomerKind
	Name    string
	Phone   string // digits with the country code, e.g. 79001112233
	Email   string
	INN     string // vatNumber: 10 digits for an organisation, 12 for an ИП or a person
	KPP     string // taxRegistrationReasonCode: organisations only
	Address string // registrationAddress
}

// IsSoleProprietor reports an ИП: legal with a 12-digit ИНН.
func (c Customer) IsSoleProprietor() bool {
	return c.Kind == CustomerLegal && len(c.INN) == 12
}

// Validate checks the requisites Invoicebox puts on the invoice.
func (c Customer) Validate() error {
	switch c.Kind {
	case CustomerLegal:
		return c.validateLegal()
	case CustomerPrivate:
		return c.validatePrivate()
	}
	return inputErr("customer.kind", "unknown customer kind %q", c.Kind)
}

func (c Customer) validateLegal() error {
	if strings.TrimSpace(c.Name) == "" {
		return inputErr("customer.name", "an organisation or ИП needs a name")
	}
	if c.INN == "" && c.KPP == "" {
		// Every Customer field is optional (reference §5.2): the payer enters the requisites on
		// the payment page, where they are not locked.
		return validatePhone(c.Phone)
	}
	if err := ValidateINN(c.INN); err != nil {
		return err
	}
	if len(c.INN) == 12 {
		if c.KPP != "" {
			return inputErr("customer.kpp", "an ИП has no КПП")
		}
	} else if err := validateKPP(c.KPP); err != nil {
		return err
	}
	return validatePhone(c.Phone)
}

func (c Customer) validatePrivate() error {
	if c.KPP != "" {
		return inputErr("customer.kpp", "a person has no КПП")
	}
	if c.INN != "" {
		if err := ValidateINN(c.INN); err != nil {
			return err
		}
		if len(c.INN) != 12 {
			return inputErr("customer.inn", "a person's ИНН has 12 digits")
		}
	}
	return validatePhone(c.Phone)
}

func validateKPP(kpp string) error {
	if len(kpp) != 9 {
		return inputErr("customer.kpp", "КПП must have 9 characters")
	}
	for _, r := range kpp {
		if !unicode.IsDigit(r) && (r < 'A' || r > 'Z') {
			return inputErr("customer.kpp", "КПП has an invalid character %q", r)
		}
	}
	return nil
}

func validatePhone(phone string) error {
	if phone == "" {
		return nil
	}
	if len(phone) < 10 || len(phone) > 15 || !allDigits(phone) {
		return inputErr("customer.phone", "phone must be 10–15 digits with the country code")
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (c Customer) wire() customerWire {
	return customerWire{
		Type:                      string(c.Kind),
		Name:                      c.Name,
		Phone:                     c.Phone,
		Email:                     c.Email,
		VatNumber:                 c.INN,
		TaxRegistrationReasonCode: c.KPP,
		RegistrationAddress:       c.Address,
	}
}
