// Package faults is the fault suite: it builds the tocsin command and runs it as a real process
// against real PostgreSQL and SQLite databases while things go wrong around it (the database
// goes away behind a TCP proxy the test cuts, its disk fills, targets turn hostile) and checks
// that nothing is lost and nothing is doubled. It runs with go test ./..., so in CI.
//
// The suite never touches the shared PostgreSQL server itself: each test makes a database of
// its own, reaches it through a loopback proxy it can cut, and drops it at the end.
//
// Faults proved elsewhere, beside the code they exercise, are part of the suite too:
//   - the poison result beside 30 sites: scheduler.TestPoisonResultDoesNotHoldBackOtherSites
//     and the batch splitting in scheduler.TestFlushIsolatesWhatTheDatabaseRefuses;
//   - kill -9 with queued alerts: cmd/tocsin TestKill9WhileDiscordFailsLosesNoAlert and
//     TestKill9LosesNoAlertOfAnyChannelType;
//   - a 300-site storm: notify.TestAStormNamesEverySiteDownAndUp and
//     discord.TestAStormOf300SitesTakesTenMessagesAtMost;
//   - the canary (network) rule: scheduler.TestNetworkOutageHoldsAlertsUntilItEnds and its
//     neighbours in netwatch_e2e_test.go;
//   - a full SQLite disk and refused PostgreSQL connections answered 503: api
//     TestFullDiskAnswers503 and TestRefusedDatabaseAnswers503.
package faults
