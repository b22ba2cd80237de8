// What the app writes to its logs from values a visitor controls: printable ASCII only, bounded,
// so nobody can forge a log line (a newline) or flood the log (OWASP ASVS 5.0 §16.4.1).
export function safeLogValue(value: string, max = 200): string {
  const clean = value.replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}...` : clean);
}
