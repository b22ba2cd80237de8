import { describe, expect, it } from "vitest";
import { formatCount, formatDate, formatDateTime } from "./format";

// A moment late in the day in UTC: a formatter in another time zone would show another day.
const at = new Date("2026-03-04T23:30:15Z");

describe("the server's formats", () => {
  it("writes dates in UTC, as the pages did with toLocaleDateString", () => {
    expect(formatDate(at)).toBe(at.toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" }));
    expect(formatDate(at)).toBe("Mar 4, 2026");
    expect(formatDate(at, "long")).toBe("March 4, 2026");
  });

  it("writes moments with their time zone named", () => {
    expect(formatDateTime(at)).toMatch(/^Mar 4, 2026, 11:30\sPM UTC$/);
    expect(formatDateTime(at, "medium")).toMatch(/^Mar 4, 2026, 11:30:15\sPM UTC$/);
  });

  it("groups thousands", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
