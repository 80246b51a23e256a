const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '\\d{2}:\\d{2}:\\d{2}';
/** `Sun, 06 Nov 1994 08:49:37 GMT`, the form HTTP servers send. */
const IMF_FIXDATE = new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT`, obsolete but still to be accepted (RFC 9110, 5.6.7). */
const RFC_850_DATE = new RegExp(
  `^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`,
);
/** `Sun Nov  6 08:49:37 1994`, obsolete too, and in GMT although it does not say so. */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`);
const SECONDS = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * Parses a `Retry-After` header into milliseconds from `now`. Graph sends whole seconds, but
 * fractional seconds and HTTP dates are legal too. Anything else is ignored (the retry policy's
 * own backoff applies): JavaScript's `Date.parse` alone would read `-1` or `1,5` as days of 2001,
 * so a garbled header would mean "retry at once".
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (SECONDS.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = httpDate(trimmed);
  return date === undefined ? undefined : Math.max(0, date - now);
}

function httpDate(text: string): number | undefined {
  let date = Number.NaN;
  if (IMF_FIXDATE.test(text) || RFC_850_DATE.test(text)) date = Date.parse(text);
  else if (ASCTIME_DATE.test(text)) date = Date.parse(`${text} GMT`);
  return Number.isNaN(date) ? undefined : date;
}
