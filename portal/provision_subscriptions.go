package portal

import (
	"context"
	"fmt"
	"strconv"

	"b24pay/bitrix"
)

// SubscriptionsSPATitle names the smart process with one item per subscription.
const SubscriptionsSPATitle = "Подписки"

// Field postfixes of the «Подписки» smart process (letters only: predictable camelCase names).
var subscriptionFields = []struct{ Postfix, Type, Label string }{
	{"SUBSCRIPTION", "integer", "ID подписки"},
	{"STATUS", "string", "Статус подписки"},
	{"NEXT_DATE", "date", "Следующее списание"},
	{"AMOUNT", "double", "Сумма за период"},
	{"ROUTE", "string", "Способ оплаты"},
	{"PAID_COUNT", "integer", "Оплачено периодов"},
	{"PAID_TOTAL", "double", "Оплачено всего"},
}

// SubscriptionsSPA is the provisioned «Подписки» smart process.
type SubscriptionsSPA struct {
	TypeID       int // crm.type id: user fields are UF_CRM_<TypeID>_…
	EntityTypeID int // crm.item entityTypeId
}

// Field is the crm.item camelCase name of one of our fields: SUBSCRIPTION → ufCrm9Subscription.
func (s SubscriptionsSPA) Field(postfix string) string {
	return Provisioned{SPATypeID: s.TypeID}.FieldName(postfix)
}

// TimelineType is the ENTITY_TYPE of the smart process's items in crm.timeline.comment.add
// (api-reference/crm/timeline/comments/crm-timeline-comment-add.md: a user-defined type's id).
func (s SubscriptionsSPA) TimelineType() string { return "DYNAMIC_" + strconv.Itoa(s.EntityTypeID) }

// ProvisionSubscriptions makes sure the «Подписки» smart process and its fields exist, creating
// nothing that already does. Items bind to a contact or company (isClientEnabled) and may have a
// deal as parent. Docs: api-reference/crm/universal/user-defined-object-types/crm-type-add.md,
// crm-type-list.md, user-defined-fields/userfieldconfig-add.md.
func ProvisionSubscriptions(ctx context.Context, cl *bitrix.Client) (SubscriptionsSPA, error) {
	var s SubscriptionsSPA
	var err error
	if s.TypeID, s.EntityTypeID, err = ensureType(ctx, cl, SubscriptionsSPATitle, map[string]any{
		"title": SubscriptionsSPATitle, "isStagesEnabled": "N", "isClientEnabled": "Y", "isAutomationEnabled": "Y",
		"isBizProcEnabled": "Y", "isSetOpenPermissions": "Y",
		"relations": map[string]any{"parent": []any{map[string]any{"entityTypeId": 2, "isChildrenListEnabled": "true"}}},
	}); err != nil {
		return s, fmt.Errorf("provision subscriptions smart process: %w", err)
	}
	entityID := "CRM_" + strconv.Itoa(s.TypeID)
	have, err := existingUserFields(ctx, cl, entityID)
	if err != nil {
		return s, err
	}
	for i, f := range subscriptionFields {
		uf := userField{EntityID: entityID, Name: "UF_" + entityID + "_" + f.Postfix, Type: f.Type, Label: f.Label, Sort: 100 + 10*i}
		if _, err := ensureUserField(ctx, cl, have, uf); err != nil {
			return s, fmt.Errorf("provision subscriptions field: %w", err)
		}
	}
	return s, nil
}
