package monitor

import "time"

// CertExpiryThresholds are the days before a certificate expires at which an alert goes out,
// once each per certificate, largest first. A function, not a variable, so nobody can change
// them under the running monitor.
func CertExpiryThresholds() []int { return []int{14, 7, 1} }

// CertAlert says whether a check at checkedAt of a certificate expiring at expiresAt should
// raise a cert_expiring alert. alertedDays is the smallest threshold already alerted for this
// certificate (0 for none); when due, the caller stores threshold as the new alertedDays.
//
// daysLeft is in whole 24-hour days, rounded down: 0 means "expires within a day", and it is
// negative once the certificate has expired. Days are counted as 24 hours, not calendar days,
// so the answer does not depend on anyone's time zone.
//
// Of the thresholds reached and not yet alerted, only the smallest is returned: a certificate
// first seen with 3 days left raises one alert (7), not two (14 and 7), and the 1-day alert
// still comes later. An expired certificate raises nothing here: the TLS handshake fails, so
// the check is down and the down alert already says so.
func CertAlert(expiresAt, checkedAt time.Time, alertedDays int) (threshold int, daysLeft int, due bool) {
	daysLeft = wholeDaysLeft(expiresAt, checkedAt)
	if daysLeft < 0 {
		return 0, daysLeft, false
	}
	for _, t := range CertExpiryThresholds() { // largest first: the last match is the smallest
		if daysLeft <= t && (alertedDays <= 0 || t < alertedDays) {
			threshold = t
		}
	}
	return threshold, daysLeft, threshold != 0
}

// wholeDaysLeft is floor((expiresAt - at) / 24h); Go's division truncates towards zero, which
// would make the first day after expiry "0 days left".
func wholeDaysLeft(expiresAt, at time.Time) int {
	d := expiresAt.Sub(at)
	days := d / (24 * time.Hour)
	if d%(24*time.Hour) < 0 {
		days--
	}
	return int(days)
}

// CertRenewed says whether newExpires belongs to a new certificate: one that expires later
// than the one seen before (or the first one seen). The caller then starts its alerts afresh
// (alertedDays = 0). A certificate's NotAfter has whole-second precision, so a difference
// under a second is a store's rounding of the same certificate, not a renewal. A certificate
// that expires sooner than the last one (a rollback) keeps the alerts already sent: sending
// the same warning again would not help.
func CertRenewed(prevExpires, newExpires *time.Time) bool {
	switch {
	case newExpires == nil:
		return false
	case prevExpires == nil:
		return true
	}
	return newExpires.Sub(*prevExpires) >= time.Second
}
