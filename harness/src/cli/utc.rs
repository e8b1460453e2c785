//! NumericDates as UTC calendar times, without a date library.

use crate::engine::claims::MAX_NUMERIC_DATE;

/// `2023-11-14T22:13:20Z` for seconds since the epoch (fractions shown as given), or why not.
pub fn format(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "not a valid NumericDate".into();
    }
    if seconds > MAX_NUMERIC_DATE {
        return if seconds / 1000.0 <= MAX_NUMERIC_DATE {
            format!(
                "after year 9999; as milliseconds it would be {}",
                format(seconds / 1000.0)
            )
        } else {
            "after year 9999".into()
        };
    }
    let whole = seconds.trunc() as i64;
    let fraction = seconds - seconds.trunc();
    let days = whole.div_euclid(86_400);
    let rest = whole.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let frac = if fraction > 0.0 {
        let f = format!("{fraction:.3}");
        f.trim_start_matches('0').to_owned()
    } else {
        String::new()
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{frac}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(format(1_700_000_000.0), "2023-11-14T22:13:20Z");
        assert_eq!(format(951_782_400.0), "2000-02-29T00:00:00Z");
        assert_eq!(format(MAX_NUMERIC_DATE), "9999-12-31T23:59:59Z");
        assert_eq!(format(1_700_000_000.5), "2023-11-14T22:13:20.500Z");
        assert!(format(1_767_225_600_000.0).contains("2026-01-01T00:00:00Z"));
        assert_eq!(format(-1.0), "not a valid NumericDate");
    }
}
