package robots

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/bitrix"
	"b24pay/instalment"
	"b24pay/schedules"
	"b24pay/store"
)

func eachDialect(t *testing.T, fn func(t *testing.T, b *testBundle)) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, setup(t, dialect))
		})
	}
}

func dec(v any) decimal.Decimal { return decimal.RequireFromString(jsonNumber(v)) }

func doc(id int) string { return fmt.Sprintf("SMART_INVOICE_%d", id) }

var sevenMonthly = map[string]string{PropParts: "7", PropPeriod: "month", PropFirstDate: "15.12.2026"}

func TestSplitMixedVATIntoSevenParts(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		inv := b.addInvoice(nil, mixedVATRows)
		orig, _ := b.fake.Item(SmartInvoiceType, inv)
		declined := strings.TrimSuffix(orig["stageId"].(string), ":N") + ":D"
		props := map[string]string{PropStage: declined}
		for k, v := range sevenMonthly {
			props[k] = v
		}
		token := b.run(doc(inv), props)
		b.drain()

		r := b.reply(token)
		require.Equal(t, "", r.ReturnValues[RetErrorText])
		require.Equal(t, "7", jsonNumber(r.ReturnValues[RetPartsCount]))
		parts := b.parts()
		require.Len(t, parts, 7)
		require.Len(t, r.ReturnValues[RetInvoiceIDs], 7)
		require.Contains(t, r.LogMessage, "разделён на 7 частей")

		gross := map[string]decimal.Decimal{}
		total, minTotal, maxTotal := decimal.Zero, decimal.Zero, decimal.Zero
		dues := []string{"2026-12-15", "2027-01-15", "2027-02-15", "2027-03-15", "2027-04-15", "2027-05-15", "2027-06-15"}
		for k, p := range parts {
			require.Equal(t, fmt.Sprintf("Счёт на оборудование — часть %d из 7", k+1), p["title"])
			require.EqualValues(t, b.dealID, toInt(p["parentId2"]))
			require.EqualValues(t, b.company, toInt(p["companyId"]))
			require.Equal(t, "RUB", p["currencyId"])
			require.Contains(t, jsonNumber(p["closedate"]), dues[k])
			partTotal := decimal.Zero
			for _, row := range b.fake.ProductRows("SI", toInt(p["id"])) {
				gross[row["productName"].(string)] = gross[row["productName"].(string)].Add(dec(row["price"]).Mul(dec(row["quantity"])))
				partTotal = partTotal.Add(dec(row["price"]).Mul(dec(row["quantity"])))
			}
			require.True(t, partTotal.Equal(dec(p["opportunity"])), "part %d amount follows its rows", k+1)
			if k == 0 || partTotal.LessThan(minTotal) {
				minTotal = partTotal
			}
			maxTotal = decimal.Max(maxTotal, partTotal)
			total = total.Add(partTotal)
		}
		require.Equal(t, "100000", gross["Станок токарный"].String())
		require.Equal(t, "999.99", gross["Книга «Токарное дело»"].String())
		require.Equal(t, "1500.01", gross["Доставка"].String())
		require.Equal(t, "102500", total.String(), "the parts keep the total to the kopeck")
		require.True(t, maxTotal.Sub(minTotal).LessThanOrEqual(decimal.RequireFromString("0.01")), "kopecks spread one per part")

		after, _ := b.fake.Item(SmartInvoiceType, inv)
		require.Equal(t, declined, after["stageId"], "the original moves to the configured stage and is kept")
		comments := b.fake.TimelineComments("smart_invoice", inv)
		require.Len(t, comments, 1)
		require.Contains(t, comments[0], "Счёт разделён на 7 частей")

		var sch instalment.Schedule
		require.NoError(t, b.db.Where("owner_type = 'deal' AND owner_id = ?", b.dealID).Take(&sch).Error)
		require.Equal(t, instalment.SchemeSplit, sch.Scheme)
		require.EqualValues(t, 10250000, sch.TotalMinor)
		var rows []instalment.Instalment
		require.NoError(t, b.db.Where("schedule_id = ?", sch.ID).Order("seq").Find(&rows).Error)
		require.Len(t, rows, 7)
		for k, row := range rows {
			require.EqualValues(t, toInt(parts[k]["id"]), *row.InvoiceID)
			require.Equal(t, dues[k], row.Due)
			require.Equal(t, instalment.StatusInvoiced, row.Status)
			require.Nil(t, row.RemindedAt, "reminders are on by default")
		}
	})
}

// The split engine's parts for the same invoice: net, VAT and gross add up to the kopeck, per
// rate and in total, and each part's rows are exactly what was written to Bitrix24.
func TestSplitKeepsNetVATAndGrossExact(t *testing.T) {
	t.Parallel()
	b := setup(t, store.SQLite)
	inv := b.addInvoice(nil, mixedVATRows)
	in, err := FormOf(func(k string) string { return sevenMonthly[k] }).Input(b.svc.Today())
	require.NoError(t, err)
	p, err := b.svc.prepare(context.Background(), b.cl, testMember, int64(inv), 0, in, "k")
	require.NoError(t, err)
	cur, _ := schedules.LookupCurrency("RUB")
	wantVAT := schedules.VATIncluded(decimal.RequireFromString("100000"), schedules.VAT22, cur.Minor).
		Add(schedules.VATIncluded(decimal.RequireFromString("999.99"), schedules.VAT10, cur.Minor))
	gross, vat := decimal.Zero, decimal.Zero
	byRate := map[schedules.VATRate]decimal.Decimal{}
	for _, part := range p.parts {
		gross, vat = gross.Add(part.Total), vat.Add(part.VAT)
		for _, l := range part.Lines {
			byRate[l.Rate] = byRate[l.Rate].Add(l.VAT)
		}
	}
	require.Equal(t, "102500", gross.String())
	require.Equal(t, wantVAT.String(), vat.String(), "VAT adds up to the original's")
	require.Equal(t, decimal.RequireFromString("102500").Sub(wantVAT).String(), gross.Sub(vat).String(), "so does net")
	require.Equal(t, schedules.VATIncluded(decimal.RequireFromString("100000"), schedules.VAT22, 2).String(), byRate[schedules.VAT22].String())
	require.True(t, byRate[schedules.VATNone].IsZero())
}

func TestSplitSameCallTwiceMakesPartsOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		inv := b.addInvoice(nil, mixedVATRows)
		token := b.run(doc(inv), sevenMonthly)
		var wg sync.WaitGroup
		for range 6 { // the queue delivers the same call again, several times at once
			wg.Go(func() {
				resp, err := http.PostForm(b.handler, b.form(token, doc(inv), sevenMonthly))
				if err == nil {
					resp.Body.Close()
					require.Equal(t, http.StatusOK, resp.StatusCode)
				}
				require.NoError(t, err)
			})
		}
		wg.Wait()
		b.drain()
		require.Len(t, b.runs(), 1)
		require.Len(t, b.parts(), 7)
		require.Equal(t, 7, b.fake.Calls("crm.item.add"))
		require.Equal(t, 1, b.fake.Calls("bizproc.event.send"))
		require.Len(t, b.reply(token).ReturnValues[RetInvoiceIDs], 7)

		resp, err := http.PostForm(b.handler, b.form(token, doc(inv), sevenMonthly)) // after it is all done
		require.NoError(t, err)
		resp.Body.Close()
		b.drain()
		require.Len(t, b.parts(), 7)
		require.Equal(t, 1, b.fake.Calls("bizproc.event.send"))
	})
}

func TestSplitResumesAfterCrashAtPartFour(t *testing.T) {
	t.Parallel()
	for _, lost := range []bool{false, true} {
		name := "BookkeepingKept"
		if lost {
			name = "BookkeepingLost"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			eachDialect(t, func(t *testing.T, b *testBundle) {
				crashed := false
				b.svc.afterPart = func(run int64, k int) error {
					if k == 4 && !crashed {
						crashed = true
						if lost { // the crash came before the part ids were written
							require.NoError(t, b.db.Model(&Run{}).Where("id = ?", run).Update("part_ids", "").Error)
						}
						return errors.New("simulated crash after part 4")
					}
					return nil
				}
				inv := b.addInvoice(nil, mixedVATRows)
				token := b.run(doc(inv), sevenMonthly)
				b.drain()
				require.Len(t, b.parts(), 4)
				_, answered := b.fake.RobotReply(token)
				require.False(t, answered)

				// A manager edits the original meanwhile: the retry still cuts the invoice as first read.
				_, err := b.cl.ProductRowsSet(context.Background(), "SI", bitrix.ID(inv), []map[string]any{{"productName": "Другое", "price": 10, "quantity": 1}})
				require.NoError(t, err)
				addsBefore := b.fake.Calls("crm.item.add")
				b.clock.Advance(time.Hour) // the outbox retries the run
				b.drain()
				require.Equal(t, 3, b.fake.Calls("crm.item.add")-addsBefore, "the retry makes only parts 5–7")
				parts := b.parts()
				require.Len(t, parts, 7)
				ids := b.reply(token).ReturnValues[RetInvoiceIDs]
				total := decimal.Zero
				for k, p := range parts {
					total = total.Add(dec(p["opportunity"]))
					require.Equal(t, fmt.Sprintf("Счёт на оборудование — часть %d из 7", k+1), p["title"])
					require.EqualValues(t, toInt(p["id"]), toInt(ids.([]any)[k]))
				}
				require.Equal(t, "102500", total.String())
				require.Len(t, b.fake.TimelineComments("smart_invoice", inv), 1)
			})
		})
	}
}

func TestSplitResumesAfterQueryLimitMidway(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		b.svc.afterPart = func(_ int64, k int) error {
			if k == 2 {
				b.fake.FailNext("crm.item.add", 3, "QUERY_LIMIT_EXCEEDED", 0)
			}
			return nil
		}
		inv := b.addInvoice(nil, mixedVATRows)
		token := b.run(doc(inv), sevenMonthly)
		for range 10 {
			b.drain()
			if _, ok := b.fake.RobotReply(token); ok {
				break
			}
			b.clock.Advance(time.Hour)
		}
		require.Len(t, b.parts(), 7)
		require.Equal(t, "7", jsonNumber(b.reply(token).ReturnValues[RetPartsCount]))
	})
}

func TestSplitByDealAndShares(t *testing.T) {
	t.Parallel()
	b := setup(t, store.SQLite)
	b.addInvoice(nil, mixedVATRows)
	token := b.run(fmt.Sprintf("DEAL_%d", b.dealID), map[string]string{PropParts: "3", PropShares: "50; 30; 20",
		PropFirstInDays: "10", PropPeriod: "week", PropRemind: "N"})
	b.drain()
	require.Equal(t, "", b.reply(token).ReturnValues[RetErrorText])
	parts := b.parts()
	require.Len(t, parts, 3)
	sum := decimal.Zero
	for k, want := range []string{"51250", "30750", "20500"} { // each within half a kopeck per line of its share
		got := dec(parts[k]["opportunity"])
		require.True(t, got.Sub(decimal.RequireFromString(want)).Abs().LessThanOrEqual(decimal.RequireFromString("0.015")), "part %d: %s", k+1, got)
		sum = sum.Add(got)
	}
	require.Equal(t, "102500", sum.String())
	require.Contains(t, jsonNumber(parts[0]["closedate"]), "2026-12-02")
	require.Contains(t, jsonNumber(parts[1]["closedate"]), "2026-12-09")
	var rows []instalment.Instalment
	require.NoError(t, b.db.Order("seq").Find(&rows).Error)
	require.Len(t, rows, 3)
	require.NotNil(t, rows[0].RemindedAt, "Remind=N: the reminder pass skips the parts")

	again := b.run(doc(toInt(parts[0]["id"])), sevenMonthly) // automation fires on a new part
	b.drain()
	require.Contains(t, b.reply(again).ReturnValues[RetErrorText], "сам является частью")
}

func TestSplitErrorsGoBackToTheBusinessProcess(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		prepare func(b *testBundle) (doc string, props map[string]string)
		want    string
	}{
		{"NoProductRows", func(b *testBundle) (string, map[string]string) {
			return doc(b.addInvoice(nil, nil)), sevenMonthly
		}, "нет товарных позиций"},
		{"ZeroTotal", func(b *testBundle) (string, map[string]string) {
			return doc(b.addInvoice(nil, []map[string]any{{"productName": "Подарок", "price": 0, "quantity": 1}})), sevenMonthly
		}, "равна нулю"},
		{"MixedCurrencies", func(b *testBundle) (string, map[string]string) {
			return doc(b.addInvoice(map[string]any{"currencyId": "USD"}, mixedVATRows)), sevenMonthly
		}, "Валюты не совпадают: счёт"},
		{"OnePart", func(b *testBundle) (string, map[string]string) {
			return doc(b.addInvoice(nil, mixedVATRows)), map[string]string{PropParts: "1"}
		}, "Число частей должно быть от 2 до 36, указано: «1»"},
		{"ThirtySevenParts", func(b *testBundle) (string, map[string]string) {
			return doc(b.addInvoice(nil, mixedVATRows)), map[string]string{PropParts: "37"}
		}, "от 2 до 36, указано: «37»"},
		{"SharesNotHundred", func(b *testBundle) (string, map[string]string) {
			return doc(b.addInvoice(nil, mixedVATRows)), map[string]string{PropParts: "3", PropShares: "50;30;10"}
		}, "Доли частей должны в сумме давать 100 %, сейчас 90 %"},
		{"NoRights", func(b *testBundle) (string, map[string]string) {
			inv := b.addInvoice(nil, mixedVATRows)
			b.fake.FailNext("crm.item.get", 1, "ACCESS_DENIED", 0)
			return doc(inv), sevenMonthly
		}, "Нет прав: Битрикс24 не дал прочитать счёт"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			eachDialect(t, func(t *testing.T, b *testBundle) {
				d, props := tc.prepare(b)
				token := b.run(d, props)
				b.drain()
				r := b.reply(token)
				require.Contains(t, r.ReturnValues[RetErrorText], tc.want)
				require.Contains(t, r.LogMessage, tc.want)
				require.Equal(t, "0", jsonNumber(r.ReturnValues[RetPartsCount]))
				require.Empty(t, b.parts())
				require.Equal(t, RunFailed, b.runs()[0].Status)
			})
		})
	}
}

func toInt(v any) int {
	var n int
	fmt.Sscan(jsonNumber(v), &n)
	return n
}

func TestSplitPartsAreRemindedLikeInstalments(t *testing.T) {
	t.Parallel()
	for _, remind := range []string{"Y", "N"} {
		t.Run("Remind"+remind, func(t *testing.T) {
			t.Parallel()
			b := setup(t, store.SQLite)
			inv := b.addInvoice(nil, mixedVATRows)
			token := b.run(doc(inv), map[string]string{PropParts: "3", PropFirstInDays: "2", PropRemind: remind})
			b.drain()
			require.Equal(t, "", b.reply(token).ReturnValues[RetErrorText])
			require.NoError(t, b.svc.instalments.RunReminders(context.Background(), b.clock.Now()))
			var keys []string
			require.NoError(t, b.db.Table("outbox").Where("topic = ?", instalment.TopicNotify).Order("id").Pluck("dedup_key", &keys).Error)
			if remind == "N" {
				require.Empty(t, keys)
				return
			}
			require.Len(t, keys, 1, "only the first part falls due within the reminder horizon")
			var first instalment.Instalment
			require.NoError(t, b.db.Where("seq = 1").Take(&first).Error)
			require.Equal(t, fmt.Sprintf("remind:%d", first.ID), keys[0])
		})
	}
}

func TestSplitRefusesADealThatHasASchedule(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, b *testBundle) {
		first := b.addInvoice(nil, mixedVATRows)
		b.run(doc(first), sevenMonthly)
		b.drain()
		second := b.addInvoice(map[string]any{"title": "Второй счёт"}, mixedVATRows)
		token := b.run(doc(second), sevenMonthly)
		b.drain()
		require.Contains(t, b.reply(token).ReturnValues[RetErrorText], "уже есть график платежей b24pay")
		require.Len(t, b.parts(), 7, "the second invoice is not split")
	})
}

func TestSplitWithAStageBitrixRefusesReportsTheParts(t *testing.T) {
	t.Parallel()
	b := setup(t, store.SQLite)
	inv := b.addInvoice(nil, mixedVATRows)
	token := b.run(doc(inv), map[string]string{PropParts: "2", PropStage: "DT31_999:NOPE"})
	b.drain()
	r := b.reply(token)
	require.Contains(t, r.ReturnValues[RetErrorText], "перевести счёт №")
	require.Equal(t, "2", jsonNumber(r.ReturnValues[RetPartsCount]), "the parts made are reported with the error")
	require.Len(t, b.parts(), 2)
	require.Equal(t, RunFailed, b.runs()[0].Status)
}

func TestSplitOnADealNamesOnlyItsOwnInvoice(t *testing.T) {
	t.Parallel()
	b := setup(t, store.SQLite)
	other, err := b.fake.AddItem(2, map[string]any{"TITLE": "Другая сделка", "CURRENCY_ID": "RUB"})
	require.NoError(t, err)
	foreign := b.addInvoice(map[string]any{"parentId2": other}, mixedVATRows)
	token := b.run(fmt.Sprintf("DEAL_%d", b.dealID), map[string]string{PropParts: "2", PropInvoiceID: fmt.Sprint(foreign)})
	b.drain()
	require.Contains(t, b.reply(token).ReturnValues[RetErrorText], fmt.Sprintf("не относится к сделке №%d", b.dealID))

	own := b.addInvoice(nil, mixedVATRows) // on an invoice, «Номер счёта» cannot point elsewhere
	token = b.run(doc(own), map[string]string{PropParts: "2", PropInvoiceID: fmt.Sprint(foreign)})
	b.drain()
	require.Equal(t, "", b.reply(token).ReturnValues[RetErrorText])
	for _, p := range b.parts() {
		require.EqualValues(t, b.dealID, toInt(p["parentId2"]))
	}
	require.Len(t, b.parts(), 2)
}

func TestSplitReadsEveryPageOfProductRows(t *testing.T) {
	t.Parallel()
	b := setup(t, store.SQLite)
	rows := make([]map[string]any, 120)
	for i := range rows {
		rows[i] = map[string]any{"productName": fmt.Sprintf("Деталь %d", i+1), "price": "10.01", "quantity": 1, "taxRate": 22, "taxIncluded": "Y"}
	}
	inv := b.addInvoice(nil, rows)
	token := b.run(doc(inv), map[string]string{PropParts: "3"})
	b.drain()
	require.Equal(t, "", b.reply(token).ReturnValues[RetErrorText])
	total := decimal.Zero
	for _, p := range b.parts() {
		total = total.Add(dec(p["opportunity"]))
	}
	require.Equal(t, "1201.2", total.String(), "all 120 rows are split, not the first page")
}
