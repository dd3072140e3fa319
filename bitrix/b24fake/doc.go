// Package b24fake is an in-memory Bitrix24 portal that speaks the REST protocol described in
// /work/shared/reference/bitrix24.md, for tests and the sandbox. A *Portal is an http.Handler:
//
//	p := b24fake.New(b24fake.Options{ClientID: "local.1", ClientSecret: "s", Rate: 1000, Burst: 1000})
//	srv := httptest.NewServer(p)
//	p.SetBaseURL(srv.URL)            // client_endpoint = server_endpoint = srv.URL + "/rest/"
//	access, refresh := p.InstallTokens()
//
// It serves /rest/<method>[.json] (method names case-insensitive; parameters from the query
// string, a JSON body or a form body with PHP-style nested keys; the token in the `auth`
// parameter) and the OAuth server's /oauth/token/ (grant_type=refresh_token).
//
// Protocol behaviour (reference sections in brackets):
//   - Envelope {result, total, next, time{start, finish, duration, processing, date_start,
//     date_finish, operating_reset_at, operating}}; total/next only on list methods; next is
//     absent on the last page; start=-1 returns the first 50 matches without total/next [3.2, 3.4].
//   - Errors {error, error_description} with the statuses of [2.3, 3.3, 17.10, 17.11]:
//     NO_AUTH_FOUND/invalid_token/expired_token 401, insufficient_scope 403, ACCESS_DENIED 403,
//     ERROR_METHOD_NOT_FOUND 404, NOT_FOUND 400, QUERY_LIMIT_EXCEEDED 503,
//     OPERATION_TIME_LIMIT 429, PAYMENT_REQUIRED 402. Legacy crm.<entity>.get/update/delete
//     of a missing id answer 400 {"error":"","error_description":"Not found"}; a duplicate
//     event.bind answers 400 with an empty code; placement errors come with HTTP 200 [6.1].
//   - batch: up to 50 commands run in the order sent (keep JSON object order!), $result[cmd][path],
//     $result_total[cmd], $result_next[cmd] references (unresolved ones stay literal), halt,
//     per-command errors in result_error, empty sections encoded as [] [3.5].
//   - Leaky bucket per portal on real time: each request adds 1, the level drains by Rate per
//     second, once it exceeds Burst the request gets 503 QUERY_LIMIT_EXCEEDED and is not
//     executed. A batch counts once. OAuth requests are not counted [4.1].
//   - OAuth: refresh tokens are single use (rotation); a spent/unknown one is invalid_grant 400,
//     wrong client credentials invalid_client 401 [2.2, 2.3].
//   - crm.item.* speak camelCase, numbers for ids and money, dates as YYYY-MM-DDT00:00:00+03:00;
//     legacy crm.deal/contact/company/lead.* speak UPPER_CASE strings over the same objects.
//     User fields are stored under UF_CRM_... names and shown by crm.item as ufCrm... per [8.1]
//     (useOriginalUfNames=Y gives the UF_CRM_ names); unknown fields are ignored silently.
//   - Smart processes: crm.type.add gives id != entityTypeId (128+); userfieldconfig.add wants
//     entityId CRM_<id> and fieldName UF_CRM_<id>_... [9]. Stages: DT<etid>_<cat>:NEW..., smart
//     invoices DT31_<cat>:N/S/P/D with P semantics S, D semantics F [9.3, 10].
//   - Events: bindings made with event.bind get form-encoded POSTs (event, event_handler_id,
//     data[FIELDS][ID], data[FIELDS][ENTITY_TYPE_ID] for smart processes and invoices, ts,
//     auth[...] with application_token) when objects change through REST or through the
//     simulated-user helpers; an update that changes nothing fires nothing; no retries;
//     delivery is asynchronous and in order — call Flush before asserting [5].
//
// Switches for tests: ExpireAccessTokens, RevokeAccessTokens, RevokeRefreshTokens, FailNext,
// SetLatency, SetQueryLimitAlways, OperationTimeLimit, MoveDomain (302 from the old host),
// DropEvents, SetInstalled. Counters: Requests, Calls, TotalRequests, Rejected503, Refreshes,
// EventsDelivered, EventsDropped. State access and simulated users: Item, Items, AddItem,
// UserUpdateItem, AutomationUpdateItem, UserDeleteItem, AddSmartProcess, AddUserField,
// ProductRows, Requisites, TimelineComments, Notifications, EventBindings, Placements, Robots,
// RunRobot, RobotReply, AddPayment, Payment, SendAppInstall, SendAppUninstall, AppPageRequest.
package b24fake
